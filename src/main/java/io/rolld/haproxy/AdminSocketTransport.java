package io.rolld.haproxy;

import io.rolld.config.FrontConfig;
import io.rolld.os.UnixSocketPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One command per connection to HAProxy's admin socket: HAProxy reads the line, answers, and
 * closes (the CLI's non-interactive mode), so the answer is everything read until the end. The
 * whole exchange has a deadline; a Unix socket path of any length works ({@link UnixSocketPath}).
 */
public final class AdminSocketTransport implements RuntimeApi.Transport {
    /** HAProxy answers in microseconds; this only bounds a stuck or overloaded one. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Far above any answer about one backend; an endless stream is not an answer. */
    private static final int MAX_ANSWER = 16 << 20;

    private final FrontConfig.AdminSocket socket;

    public AdminSocketTransport(FrontConfig.AdminSocket socket) {
        this.socket = socket;
    }

    @Override
    public String ask(String command) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (SocketChannel channel = connect(); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                await(selector, deadline, command);
                channel.write(out);
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (true) {
                await(selector, deadline, command);
                int n = channel.read(in.clear());
                if (n < 0) {
                    return answer.toString(StandardCharsets.UTF_8);
                }
                answer.write(in.array(), 0, n);
                if (answer.size() > MAX_ANSWER) {
                    throw new IOException("the answer to '" + command + "' from " + this + " exceeds " + MAX_ANSWER + " bytes");
                }
            }
        }
    }

    /** Blocking: on loopback and Unix sockets the kernel completes or refuses a connect at once. */
    private SocketChannel connect() throws IOException {
        return switch (socket) {
            case FrontConfig.AdminSocket.Unix u -> {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    UnixSocketPath.use(u.path(), channel::connect);
                    yield channel;
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
            }
            case FrontConfig.AdminSocket.Tcp t -> SocketChannel.open(new InetSocketAddress(t.host(), t.port()));
        };
    }

    private void await(Selector selector, long deadline, String command) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || selector.select(left) == 0 && System.nanoTime() >= deadline) {
            throw new SocketTimeoutException("no answer to '" + command + "' from " + this + " within " + TIMEOUT.toMillis() + " ms");
        }
        selector.selectedKeys().clear();
    }

    @Override
    public String toString() {
        return "HAProxy's admin socket " + socket;
    }
}
