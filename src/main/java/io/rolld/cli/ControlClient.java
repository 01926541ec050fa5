package io.rolld.cli;

import io.rolld.control.Answer;
import io.rolld.control.MalformedMessage;
import io.rolld.control.Request;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client end of the control socket: sends one request line, then hands out the daemon's
 * answer lines as they arrive. A reader thread feeds a queue, so waiting has a deadline.
 */
final class ControlClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BlockingQueue<Read> answers = new LinkedBlockingQueue<>();

    /** What the reader thread hands over: an answer or the end, or a line it could not read. */
    private sealed interface Read {
        record Got(Received received) implements Read {
        }

        record Unreadable(String line, String why) implements Read {
        }
    }

    /** What waiting for the daemon's next answer gives. */
    sealed interface Received {
        record Answered(Answer answer) implements Received {
        }

        /** The daemon closed the connection (it is done, stopped, or re-executed). */
        record Closed() implements Received {
        }

        /** The deadline passed first. */
        record TimedOut() implements Received {
        }
    }

    /** No daemon answers on the socket. */
    static final class NotRunning extends Exception {
        NotRunning(String message) {
            super(message);
        }
    }

    /** The daemon's answer was not one this build can read. */
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
    void send(Request request) throws IOException {
        Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
        out.write(request.line());
        out.write('\n');
        out.flush();
        Thread.ofPlatform().daemon().name("control-reader").start(this::read);
    }

    /** The next answer, the end of the connection, or the deadline; a garbled line throws {@link Garbled}. */
    Received next(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        return switch (answers.poll(Math.max(0, left), TimeUnit.NANOSECONDS)) {
            case null -> new Received.TimedOut();
            case Read.Got(Received r) -> r;
            case Read.Unreadable(String line, String why) -> throw new Garbled("unexpected answer from rolld: " + line + " (" + why + ")");
        };
    }

    static long deadline(Duration timeout) {
        return System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    }

    private void read() {
        try {
            BufferedReader in = new BufferedReader(Channels.newReader(channel, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                try {
                    answers.add(new Read.Got(new Received.Answered(Answer.decode(line))));
                } catch (MalformedMessage e) {
                    answers.add(new Read.Unreadable(line, e.getMessage()));
                }
            }
        } catch (IOException e) {
            // connection reset: treated like the end of the answers
        }
        answers.add(new Read.Got(new Received.Closed()));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
