package io.rolld.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnixSocketPathTest {
    @TempDir
    Path dir;

    /** 106 is the JDK's own limit, 107 the first length it refuses, 300 a deep directory. */
    @ParameterizedTest
    @ValueSource(ints = {106, 107, 108, 300})
    void aSocketOfAnyPathLength_isBoundWhereAskedAndReachable(int bytes) throws Exception {
        Path socket = pathOf(bytes);
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            UnixSocketPath.use(socket, server::bind);
            assertTrue(Files.exists(socket), "the socket is where it was asked to be");
            try (SocketChannel client = UnixSocketPath.use(socket, SocketChannel::open)) {
                assertTrue(client.isConnected());
            }
        }
    }

    private Path pathOf(int bytes) {
        String base = dir.toAbsolutePath() + "/";
        int rest = bytes - base.length() - "/s".length();
        StringBuilder directory = new StringBuilder();
        while (rest > 0) {
            int part = Math.min(rest, 100);
            directory.append("d".repeat(part));
            rest -= part;
            if (rest > 0) {
                directory.append('/');
                rest--;
            }
        }
        Path path = Path.of(base + directory + "/s");
        assertEquals(bytes, path.toString().getBytes(StandardCharsets.UTF_8).length);
        return path;
    }
}
