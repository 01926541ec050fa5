package io.rolld.cli;

import io.rolld.daemon.ControlProtocol;
import io.rolld.os.UnixSocketPath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client end of the control socket: sends one request line, then hands out the daemon's
 * answer lines as they arrive. A reader thread feeds a queue, so waiting has a deadline.
 */
final class ControlClient implements AutoCloseable {
    private static final Map<String, Object> END = Map.of();

    private final SocketChannel channel;
    private final BlockingQueue<Map<String, Object>> answers = new LinkedBlockingQueue<>();

    /** No daemon answers on the socket. */
    static final class NotRunning extends Exception {
        NotRunning(String message) {
            super(message);
        }
    }

    /** The daemon's answer was not a JSON object. */
    static final class Garbled extends RuntimeException {
        Garbled(String message) {
            super(message);
        }
    }

    private ControlClient(SocketChannel channel) {
        this.channel = channel;
    }

    static ControlClient connect(Path socket) throws NotRunning {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            UnixSocketPath.use(socket, channel::connect);
        } catch (IOException e) {
            throw new NotRunning("rolld is not running (nothing answers on " + socket + ": " + e.getMessage() + ")");
        }
        return new ControlClient(channel);
    }

    /** Sends the request and starts reading answers. */
    void send(ControlProtocol.Message request) throws IOException {
        Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
        out.write(request.line());
        out.write('\n');
        out.flush();
        Thread.ofPlatform().daemon().name("control-reader").start(this::read);
    }

    /** The next answer; empty at the deadline. {@code {}} (empty map) means the daemon closed the connection. */
    Optional<Map<String, Object>> next(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        Map<String, Object> answer = answers.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (answer == null) {
            return Optional.empty();
        }
        if (answer.containsKey("garbled")) {
            throw new Garbled(String.valueOf(answer.get("garbled")));
        }
        return Optional.of(answer);
    }

    static boolean isEnd(Map<String, Object> answer) {
        return answer.isEmpty();
    }

    static long deadline(Duration timeout) {
        return System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    }

    private void read() {
        try {
            BufferedReader in = new BufferedReader(Channels.newReader(channel, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                try {
                    answers.add(ControlProtocol.decode(line));
                } catch (IOException e) {
                    answers.add(Map.of("garbled", "unexpected answer from rolld: " + line));
                }
            }
        } catch (IOException e) {
            // connection reset: treated like the end of the answers
        }
        answers.add(END);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
