package io.rolld.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.HeldSocketConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldSocketTest {
    @TempDir
    Path dir;

    private static HeldSocketConfig listen(HeldSocketConfig.Address address) {
        return new HeldSocketConfig(address, "web", 16, false, false, Optional.empty());
    }

    @Test
    void bind_whenThePortIsTaken_namesTheAddressAndTheErrno() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var e = assertThrows(ErrnoException.class,
                    () -> HeldSocket.bind(listen(new HeldSocketConfig.Inet("127.0.0.1", taken.getLocalPort()))));
            assertEquals("bind(127.0.0.1:" + taken.getLocalPort() + ") failed: Address already in use (EADDRINUSE)", e.getMessage());
            assertEquals(98, e.errno());
        }
    }

    @Test
    void bind_whenTheAddressIsNotLocal_reportsEaddrnotavail() {
        var e = assertThrows(ErrnoException.class, () -> HeldSocket.bind(listen(new HeldSocketConfig.Inet("192.0.2.1", 8080))));
        assertEquals("bind(192.0.2.1:8080) failed: Cannot assign requested address (EADDRNOTAVAIL)", e.getMessage());
    }

    @Test
    void bind_withNoWorkerYet_queuesConnectionsInTheKernel() throws Exception {
        try (HeldSocket held = HeldSocket.bind(listen(new HeldSocketConfig.Inet("127.0.0.1", 0)));
             Socket client = new Socket()) {
            assertTrue(held.port() > 0);
            assertTrue(held.fd() >= HeldSocket.LOWEST_FD, "fd " + held.fd());
            client.connect(new InetSocketAddress("127.0.0.1", held.port()), 2000);
            assertTrue(client.isConnected());
        }
    }

    @Test
    void bind_ipv6Loopback_acceptsConnections() throws Exception {
        try (HeldSocket held = HeldSocket.bind(listen(new HeldSocketConfig.Inet("::1", 0)));
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress("::1", held.port()), 2000);
            assertTrue(client.isConnected());
        }
    }

    @Test
    void bind_unixSocket_setsItsModeReplacesAStaleFileAndRemovesItOnClose() throws Exception {
        Path path = dir.resolve("app.sock");
        HeldSocketConfig unix = new HeldSocketConfig(new HeldSocketConfig.Unix(path), "web", 16, false, false, Optional.of(0660));
        HeldSocket.bind(unix).close();
        Files.deleteIfExists(path);
        try (HeldSocket first = HeldSocket.bind(unix)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertTrue(client.connect(UnixDomainSocketAddress.of(path)));
            }
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void bind_unixPathHoldingARegularFile_isRefused() throws Exception {
        Path path = Files.writeString(dir.resolve("app.sock"), "data");
        var e = assertThrows(java.io.IOException.class, () -> HeldSocket.bind(listen(new HeldSocketConfig.Unix(path))));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("data", Files.readString(path));
    }

    @Test
    void open_whenTheSecondAddressFails_closesTheFirst() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path path = dir.resolve("first.sock");
            assertThrows(ErrnoException.class, () -> HeldSocketSet.open(List.of(
                    listen(new HeldSocketConfig.Unix(path)), listen(new HeldSocketConfig.Inet("127.0.0.1", taken.getLocalPort())))));
            assertFalse(Files.exists(path), "the first socket was closed and its file removed");
        }
    }
}
