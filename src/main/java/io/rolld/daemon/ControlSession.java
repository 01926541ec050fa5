package io.rolld.daemon;

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
import java.util.ArrayList;
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

/**
 * One client connection: reads the request line, answers per {@link ControlProtocol}. Rollout
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
        CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> rollback(String group, GenerationHistory.RollbackTarget target,
                                                                                  Consumer<RolloutEvent> watcher);

        /** What {@code rolld logs} reads. */
        LogsSession.Groups logs();
    }

    /** A request the daemon will not carry out, with a {@link ControlProtocol} error code. */
    static final class Refused extends RuntimeException {
        final String code;

        Refused(String code, String message) {
            super(message);
            this.code = code;
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
            line = readRequest(in, ControlProtocol.MAX_REQUEST_BYTES);
        } catch (RequestTooLarge e) {
            send(out, error(ControlProtocol.REQUEST_TOO_LARGE, e.getMessage()));
            return; // the rest of the line is never read: closing drops it
        }
        if (line == null) {
            return;
        }
        Map<String, Object> request;
        try {
            request = ControlProtocol.decode(line);
        } catch (IOException e) {
            send(out, error(ControlProtocol.BAD_REQUEST, "not a JSON object: " + e.getMessage()));
            return;
        }
        switch (String.valueOf(request.get("op"))) {
            case ControlProtocol.OP_STATUS -> send(out, ControlProtocol.message("status").with("report", control.status()));
            case ControlProtocol.OP_RESTART -> restart(request, control, out);
            case ControlProtocol.OP_HISTORY -> history(request, control, out);
            case ControlProtocol.OP_ROLLBACK -> rollback(request, control, out);
            case ControlProtocol.OP_STOP -> {
                control.stop();
                send(out, ControlProtocol.message("stopping").with("pid", ProcessHandle.current().pid()));
                // Keep the connection open: it closes when rolld has exited, which `stop --wait` waits for.
                while (in.read() >= 0) {
                    continue;
                }
            }
            case ControlProtocol.OP_REEXEC -> reexec(request, control, out);
            case ControlProtocol.OP_PROMOTE -> steer(request, Steering.Command.PROMOTE, control, out);
            case ControlProtocol.OP_ABORT -> steer(request, Steering.Command.ABORT, control, out);
            case ControlProtocol.OP_LOGS -> LogsSession.serve(request, control.logs(), in, out);
            default -> send(out, error(ControlProtocol.BAD_REQUEST, "unknown op " + request.get("op")
                    + " (one of status, restart, stop, reexec, promote, abort, logs, history, rollback)"));
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

    private static void restart(Map<String, Object> request, Control control, Writer out) throws IOException {
        List<String> names = new ArrayList<>();
        if (request.get("groups") instanceof List<?> list) {
            list.forEach(n -> names.add(String.valueOf(n)));
        }
        follow(request, watcher -> control.restart(names, watcher), out);
    }

    private static void rollback(Map<String, Object> request, Control control, Writer out) throws IOException {
        if (!(request.get("group") instanceof String group) || group.isBlank()) {
            send(out, error(ControlProtocol.BAD_REQUEST, "rollback needs a group: {\"op\":\"rollback\",\"group\":\"NAME\"}"));
            return;
        }
        GenerationHistory.RollbackTarget target;
        if (request.get("to") instanceof Number n) {
            target = new GenerationHistory.RollbackTarget.Generation(n.longValue());
        } else if (request.get("release") instanceof String dir && !dir.isBlank()) {
            target = new GenerationHistory.RollbackTarget.ReleaseDirectory(realOrNormal(Path.of(dir)));
        } else {
            target = new GenerationHistory.RollbackTarget.Previous();
        }
        follow(request, watcher -> control.rollback(group, target, watcher), out);
    }

    /** A release directory named by a client: with symlinks resolved as rolld recorded it, or as written when it is gone. */
    private static Path realOrNormal(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static void history(Map<String, Object> request, Control control, Writer out) throws IOException {
        Optional<String> group = request.get("group") instanceof String g && !g.isBlank() ? Optional.of(g) : Optional.empty();
        int limit = request.get("limit") instanceof Number n ? n.intValue() : 10;
        try {
            send(out, ControlProtocol.message("history").with("records", control.history(group, limit)));
        } catch (Refused r) {
            send(out, error(r.code, r.getMessage()));
        }
    }

    /** Starts the rollouts {@code request} asks for, answers {@code accepted}, then, with {@code wait}, streams their events until they end. */
    private static void follow(Map<String, Object> request,
                               java.util.function.Function<Consumer<RolloutEvent>, CompletableFuture<Map<String, CompletableFuture<RolloutResult>>>> start,
                               Writer out) throws IOException {
        boolean wait = Boolean.TRUE.equals(request.get("wait"));
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Map<String, CompletableFuture<RolloutResult>> rollouts;
        try {
            rollouts = start.apply(events::add).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Refused r) {
                send(out, error(r.code, r.getMessage()));
                return;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        send(out, ControlProtocol.message("accepted").with("groups", List.copyOf(rollouts.keySet())).with("op", request.get("op")));
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
                    send(out, error(ControlProtocol.SHUTTING_DOWN, "group " + d.group() + ": " + d.cause().getMessage()));
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
        send(out, ControlProtocol.message("done"));
    }

    /**
     * Answers {@code reexecing} just before the exec, which closes this connection (the client
     * then waits for the new image on the socket), or an error when it is refused or execve fails.
     */
    private static void reexec(Map<String, Object> request, Control control, Writer out) throws IOException {
        Duration timeout = request.get("timeout_ms") instanceof Number n ? Duration.ofMillis(n.longValue()) : DEFAULT_REEXEC_TIMEOUT;
        try {
            Reexec.Ticket ticket = control.reexec(timeout).get();
            send(out, ControlProtocol.message("reexecing").with("pid", ticket.pid()).with("version", ticket.version())
                    .with("new_version", ticket.newVersion()).with("started", ticket.started().toString()));
            ticket.announced().complete(null);
            String failure = ticket.failed().get(); // completes only if execve returned
            send(out, error(ControlProtocol.REEXEC_REFUSED, "execve failed: " + failure + "; rolld carries on with its running build"));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof Refused r)) {
                throw new IllegalStateException(e.getCause());
            }
            send(out, error(r.code, r.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Answers {@code accepted} with the step the command acted on; an abort then waits for the
     * rollout's {@code result} (the old set serving again), so the client can report it.
     */
    private static void steer(Map<String, Object> request, Steering.Command command, Control control, Writer out) throws IOException {
        if (!(request.get("group") instanceof String group) || group.isBlank()) {
            send(out, error(ControlProtocol.BAD_REQUEST, command.label() + " needs a group: {\"op\":\"" + command.label() + "\",\"group\":\"NAME\"}"));
            return;
        }
        Steering.Answer.Taken taken;
        try {
            taken = control.steer(group, command);
        } catch (Refused r) {
            send(out, error(r.code, r.getMessage()));
            return;
        }
        send(out, ControlProtocol.message("accepted").with("group", group).with("command", command.label()).with("step", taken.step()));
        if (command == Steering.Command.ABORT) {
            try {
                send(out, EventMessages.of(new RolloutEvent.Finished(taken.result().get())));
            } catch (ExecutionException e) {
                send(out, error(ControlProtocol.SHUTTING_DOWN, "group " + group + ": " + e.getCause().getMessage()));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        send(out, ControlProtocol.message("done"));
    }

    static ControlProtocol.Message error(String code, String message) {
        return ControlProtocol.message("error").with("code", code).with("message", message);
    }

    static void send(Writer out, ControlProtocol.Message message) throws IOException {
        out.write(message.line());
        out.write('\n');
        out.flush();
    }
}
