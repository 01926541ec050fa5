package io.rolld.daemon;

import io.rolld.control.Answer;
import io.rolld.control.ErrorCode;
import io.rolld.control.MalformedMessage;
import io.rolld.control.Request;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import io.rolld.rollout.Steering;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One client connection: reads the {@link Request} line, answers with {@link Answer}s. Rollout
 * events reach it through a queue, so a slow client never holds up a group's thread.
 */
final class ControlSession {
    /** What the daemon offers its sessions; restart and stop only enqueue work for the loop. */
    interface Control {
        Map<String, Object> status();

        /** The futures of the rollouts that answer this request, by group; fails with {@link Refused}. */
        CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> restart(List<String> groups,
                                                                                 Consumer<RolloutEvent> watcher);

        void stop();

        /** A re-exec about to happen, once every rollout has ended and the build on disk passed its check. */
        CompletableFuture<Reexec.Ticket> reexec(Duration timeout);

        /** promote/abort handed to the group's rollout in progress; fails with {@link Refused}. */
        Steering.Answer.Taken steer(String group, Steering.Command command);

        /** The last {@code limit} rollouts of {@code group} (of every group when empty), oldest first; fails with {@link Refused}. */
        List<Map<String, Object>> history(Optional<String> group, int limit);

        /** Like {@link #restart} for one group, rolling out the recorded release {@code target} names. */
        CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> rollback(String group, Request.Rollback.Target target,
                                                                                  Consumer<RolloutEvent> watcher);

        /** What {@code rolld logs} reads. */
        LogsSession.Groups logs();
    }

    /** A request the daemon will not carry out, and why. */
    static final class Refused extends RuntimeException {
        final ErrorCode code;

        Refused(ErrorCode code, String message) {
            super(message);
            this.code = code;
        }

        Answer.Error answer() {
            return new Answer.Error(code, getMessage());
        }
    }

    /** A rollout a client waits for ended without a result (rolld shut down first). */
    private record Dropped(String group, Throwable cause) {
    }

    /** A re-exec request without a timeout (SIGUSR2 too) waits this long for running rollouts. */
    static final Duration DEFAULT_REEXEC_TIMEOUT = Duration.ofMinutes(5);

    private ControlSession() {
    }

    static void serve(SocketChannel channel, Control control) throws IOException {
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
        Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
        String line;
        try {
            line = readRequest(in, Request.MAX_LINE_BYTES);
        } catch (RequestTooLarge e) {
            send(out, new Answer.Error(ErrorCode.REQUEST_TOO_LARGE, e.getMessage()));
            return; // the rest of the line is never read: closing drops it
        }
        if (line == null) {
            return;
        }
        Request request;
        try {
            request = Request.decode(line);
        } catch (MalformedMessage e) {
            send(out, new Answer.Error(ErrorCode.BAD_REQUEST, e.getMessage()));
            return;
        }
        switch (request) {
            case Request.Status s -> send(out, new Answer.Status(control.status()));
            case Request.Restart r -> follow("restart", r.awaitResults(), watcher -> control.restart(r.groups(), watcher), out);
            case Request.History h -> history(h, control, out);
            case Request.Rollback r -> follow("rollback", r.awaitResults(),
                    watcher -> control.rollback(r.group(), resolved(r.target()), watcher), out);
            case Request.Stop s -> {
                control.stop();
                send(out, new Answer.Stopping(ProcessHandle.current().pid()));
                // Keep the connection open: it closes when rolld has exited, which `stop --wait` waits for.
                while (in.read() >= 0) {
                    continue;
                }
            }
            case Request.Reexec r -> reexec(r.timeout().orElse(DEFAULT_REEXEC_TIMEOUT), control, out);
            case Request.Promote p -> steer(p.group(), Steering.Command.PROMOTE, control, out);
            case Request.Abort a -> steer(a.group(), Steering.Command.ABORT, control, out);
            case Request.Logs l -> LogsSession.serve(l, control.logs(), in, out);
        }
    }

    /** A request line longer than the limit. */
    static final class RequestTooLarge extends IOException {
        RequestTooLarge(int limit) {
            super("request longer than " + limit + " bytes (a request is one JSON object on one line)");
        }
    }

    /**
     * One request line without its newline (UTF-8), or null at once at the end of the stream; a
     * line of more than {@code limit} bytes is refused after reading {@code limit + 1} of them, so
     * a client cannot make rolld buffer an endless line.
     */
    static String readRequest(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() == limit) {
                throw new RequestTooLarge(limit);
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** A release directory named by a client: with symlinks resolved as rolld recorded it, or as written when it is gone. */
    private static Request.Rollback.Target resolved(Request.Rollback.Target target) {
        if (!(target instanceof Request.Rollback.Target.ReleaseDirectory(Path dir))) {
            return target;
        }
        try {
            return new Request.Rollback.Target.ReleaseDirectory(dir.toRealPath());
        } catch (IOException e) {
            return new Request.Rollback.Target.ReleaseDirectory(dir.toAbsolutePath().normalize());
        }
    }

    private static void history(Request.History request, Control control, Writer out) throws IOException {
        try {
            send(out, new Answer.History(control.history(request.group(), request.limit())));
        } catch (Refused r) {
            send(out, r.answer());
        }
    }

    /** Starts the rollouts {@code op} asks for, answers {@code accepted}, then, with {@code wait}, streams their events until they end. */
    private static void follow(String op, boolean wait,
                               Function<Consumer<RolloutEvent>, CompletableFuture<Map<String, CompletableFuture<RolloutResult>>>> start,
                               Writer out) throws IOException {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Map<String, CompletableFuture<RolloutResult>> rollouts;
        try {
            rollouts = start.apply(events::add).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Refused r) {
                send(out, r.answer());
                return;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        send(out, new Answer.Accepted(List.copyOf(rollouts.keySet()), op));
        if (!wait) {
            return;
        }
        rollouts.forEach((group, future) -> future.whenComplete((result, error) -> {
            if (error != null) {
                events.add(new Dropped(group, error));
            }
        }));
        Set<String> pending = new HashSet<>(rollouts.keySet());
        try {
            while (!pending.isEmpty()) {
                Object next = events.take();
                if (next instanceof Dropped d) {
                    pending.remove(d.group());
                    send(out, new Answer.Error(ErrorCode.SHUTTING_DOWN, "group " + d.group() + ": " + d.cause().getMessage()));
                } else if (next instanceof RolloutEvent event) {
                    if (event instanceof RolloutEvent.Finished f) {
                        pending.remove(f.group());
                    }
                    send(out, EventMessages.of(event));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        send(out, new Answer.Done());
    }

    /**
     * Answers {@code reexecing} just before the exec, which closes this connection (the client
     * then waits for the new image on the socket), or an error when it is refused or execve fails.
     */
    private static void reexec(Duration timeout, Control control, Writer out) throws IOException {
        try {
            Reexec.Ticket ticket = control.reexec(timeout).get();
            send(out, new Answer.Reexecing(ticket.pid(), ticket.version(), ticket.newVersion(), ticket.started()));
            ticket.announced().complete(null);
            String failure = ticket.failed().get(); // completes only if execve returned
            send(out, new Answer.Error(ErrorCode.REEXEC_REFUSED, "execve failed: " + failure + "; rolld carries on with its running build"));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof Refused r)) {
                throw new IllegalStateException(e.getCause());
            }
            send(out, r.answer());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Answers {@code accepted} with the step the command acted on; an abort then waits for the
     * rollout's {@code result} (the old set serving again), so the client can report it.
     */
    private static void steer(String group, Steering.Command command, Control control, Writer out) throws IOException {
        Steering.Answer.Taken taken;
        try {
            taken = control.steer(group, command);
        } catch (Refused r) {
            send(out, r.answer());
            return;
        }
        send(out, new Answer.SteerAccepted(group, command.label(), taken.step()));
        if (command == Steering.Command.ABORT) {
            try {
                send(out, EventMessages.result(taken.result().get()));
            } catch (ExecutionException e) {
                send(out, new Answer.Error(ErrorCode.SHUTTING_DOWN, "group " + group + ": " + e.getCause().getMessage()));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        send(out, new Answer.Done());
    }

    static void send(Writer out, Answer answer) throws IOException {
        out.write(answer.line());
        out.write('\n');
        out.flush();
    }
}
