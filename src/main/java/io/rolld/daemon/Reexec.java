package io.rolld.daemon;

import io.rolld.control.ErrorCode;
import io.rolld.os.ErrnoException;
import io.rolld.rollout.Group;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rolld reexec} (or SIGUSR2): replaces the daemon's code in place with the {@link BuildOnDisk},
 * by execve: same pid, so the workers stay its children and systemd sees the same main process. The
 * new image finds its workers through the workers file, as after a crash, and its held sockets
 * through {@code ROLLD_HELD_FDS}.
 *
 * <p>One at a time, in three steps. Every group's own loop is asked to {@link Group#quiesce}: an idle
 * group agrees at once, a group mid-rollout when that rollout ends, and from then on each starts
 * no rollout (requests wait). Then the build on disk must prove it starts and accepts rolld.yml,
 * off the loop. Then the exec, on the daemon's loop, so nothing the loop does runs in between;
 * rollouts requested during the check run first (the exec would drop them). A
 * group still rolling out at the request's timeout, a build that fails its check or an execve that
 * fails calls it off: the groups {@link Group#resume} and the requests they held go on.
 * {@link #request} and every step run on the daemon's loop; {@code onLoop} posts work to it.
 */
final class Reexec {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    /** How long the exec waits for the client to have been told; it would see the connection close anyway. */
    private static final Duration ANNOUNCE_WAIT = Duration.ofSeconds(5);

    /**
     * A re-exec about to happen: the session tells its client, completes {@code announced}, and
     * reports {@code failed} (execve returned: the running image carries on) if that ever completes.
     */
    record Ticket(long pid, String version, String newVersion, Instant started,
                  CompletableFuture<Void> announced, CompletableFuture<String> failed) {
    }

    /** The re-exec under way: what it execs, until when it waits, whom it answers, and each group's quiesce. */
    private record Attempt(BuildOnDisk build, long deadlineNanos, CompletableFuture<Ticket> reply,
                           Map<Group, CompletableFuture<Void>> quiet) {
    }

    private final Path configFile;
    private final Supplier<List<Group>> groups;
    private final Supplier<Map<String, Integer>> heldSockets;
    private final ServiceNotifier notifier;
    /** Writes the workers file's pending changes: the next image reads it at once. */
    private final Runnable flushWorkersFile;
    private final Consumer<Runnable> onLoop;
    private final Instant started;
    private Attempt attempt; // loop thread only; null when none is under way

    Reexec(Path configFile, Supplier<List<Group>> groups, Supplier<Map<String, Integer>> heldSockets,
           ServiceNotifier notifier, Runnable flushWorkersFile, Consumer<Runnable> onLoop, Instant started) {
        this.configFile = configFile;
        this.groups = groups;
        this.heldSockets = heldSockets;
        this.notifier = notifier;
        this.flushWorkersFile = flushWorkersFile;
        this.onLoop = onLoop;
        this.started = started;
    }

    /** The new image's first line, when a re-exec started it. */
    static void logIfReexeced() {
        String from = System.getenv(BuildOnDisk.FROM_VARIABLE);
        if (from != null) {
            LOG.info("{}", Logfmt.event("reexeced").kv("pid", ProcessHandle.current().pid()).kv("from_version", from)
                    .kv("version", BuildVersion.current()).kv("action", "taking over the running workers"));
        }
    }

    /** A control socket nobody serves: expected right after a re-exec (the old image's), a warning otherwise. */
    static void staleSocket(Path socket) {
        if (System.getenv(BuildOnDisk.FROM_VARIABLE) != null) {
            LOG.info("{}", Logfmt.event("stale_socket").kv("socket", socket).kv("action", "the image before the re-exec left it; replacing it"));
        } else {
            LOG.warn("{}", Logfmt.event("stale_socket").kv("socket", socket).kv("action", "no rolld answers on it; replacing it"));
        }
    }

    /** From a control session: the request is handed to the loop; the ticket or a {@link ControlSession.Refused} comes back. */
    CompletableFuture<Ticket> requestFromClient(Duration timeout) {
        CompletableFuture<Ticket> reply = new CompletableFuture<>();
        onLoop.accept(() -> request(timeout, "control socket", reply));
        return reply;
    }

    /** On the loop, for SIGUSR2: no client to tell, so the ticket counts as announced at once; a refusal is in the log. */
    void requestBySignal() {
        CompletableFuture<Ticket> reply = new CompletableFuture<>();
        reply.thenAccept(t -> t.announced().complete(null));
        request(ControlSession.DEFAULT_REEXEC_TIMEOUT, "SIGUSR2", reply);
    }

    /** On the loop: starts a re-exec unless one is under way. */
    private void request(Duration timeout, String via, CompletableFuture<Ticket> reply) {
        if (attempt != null) {
            reply.completeExceptionally(new ControlSession.Refused(ErrorCode.REEXEC_REFUSED, "a re-exec is already under way"));
            return;
        }
        LOG.info("{}", Logfmt.event("reexec_requested").kv("via", via).kv("timeout_ms", timeout.toMillis())
                .kv("action", "waiting for running rollouts to end, then checking the build on disk"));
        BuildOnDisk build;
        try {
            build = BuildOnDisk.ofThisImage();
        } catch (BuildOnDisk.Unusable e) {
            refused(new ControlSession.Refused(ErrorCode.REEXEC_REFUSED, e.getMessage()), reply);
            return;
        }
        Attempt a = new Attempt(build, System.nanoTime() + timeout.toNanos(), reply, new LinkedHashMap<>());
        attempt = a;
        whenQuiet(a, () -> check(a));
    }

    /**
     * Asks every group not asked yet to quiesce, then runs {@code next} on the loop once all are
     * quiet; calls the re-exec off with {@code timeout} when some group still rolls out at the deadline.
     */
    private void whenQuiet(Attempt a, Runnable next) {
        groups.get().forEach(g -> a.quiet().computeIfAbsent(g, Group::quiesce));
        CompletableFuture.allOf(a.quiet().values().toArray(CompletableFuture[]::new))
                .orTimeout(Math.max(0, a.deadlineNanos() - System.nanoTime()), TimeUnit.NANOSECONDS)
                .whenComplete((quiet, timedOut) -> onLoop.accept(() -> {
                    if (timedOut == null) {
                        next.run();
                    } else {
                        callOff(a, new ControlSession.Refused(ErrorCode.TIMEOUT, "a rollout is still running: " + busy(a)
                                + "; nothing re-executed (raise --timeout)"));
                    }
                }));
    }

    private static String busy(Attempt a) {
        return String.join(", ", a.quiet().entrySet().stream().filter(e -> !e.getValue().isDone())
                .map(e -> e.getKey().name() + " (" + e.getKey().status().phase() + ")").toList());
    }

    /** Every group quiet: the build on disk is checked off the loop (two JVM starts). */
    private void check(Attempt a) {
        Thread.ofVirtual().name("reexec-check").start(() -> {
            try {
                String newVersion = a.build().check(configFile);
                onLoop.accept(() -> execNow(a, newVersion));
            } catch (BuildOnDisk.Unusable e) {
                onLoop.accept(() -> callOff(a, new ControlSession.Refused(ErrorCode.REEXEC_REFUSED, e.getMessage())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                onLoop.accept(() -> callOff(a, new ControlSession.Refused(ErrorCode.SHUTTING_DOWN, "interrupted")));
            }
        });
    }

    /**
     * On the loop, so nothing the loop does runs between the last check and the exec: requests made
     * by the loop (HUP, restart, rollback) are either in a rollout the exec waited for, or after it.
     */
    private void execNow(Attempt a, String newVersion) {
        if (!a.quiet().keySet().containsAll(groups.get())) {
            // A HUP added a group while the build was checked: it must be quiet too (the build stays checked).
            whenQuiet(a, () -> execNow(a, newVersion));
            return;
        }
        List<Group> requested = a.quiet().keySet().stream().filter(Group::rolloutQueued).toList();
        if (!requested.isEmpty()) {
            // A HUP, restart or rollback arrived while the build was checked: the exec would drop it.
            LOG.info("{}", Logfmt.event("reexec_deferred").kv("groups", requested.stream().map(Group::name).toList())
                    .kv("action", "running the rollouts requested meanwhile first, then re-executing"));
            requested.forEach(g -> {
                g.resume();
                a.quiet().remove(g);
            });
            whenQuiet(a, () -> execNow(a, newVersion));
            return;
        }
        String version = BuildVersion.current();
        Ticket ticket = new Ticket(ProcessHandle.current().pid(), version, newVersion, started,
                new CompletableFuture<>(), new CompletableFuture<>());
        a.reply().complete(ticket);
        try {
            ticket.announced().get(ANNOUNCE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the client went away or is slow: the re-exec goes on, its log says how it went
        }
        Map<String, Integer> held = heldSockets.get();
        LOG.info("{}", Logfmt.event("reexec").kv("pid", ticket.pid()).kv("version", version).kv("new_version", newVersion)
                .kv("command", String.join(" ", a.build().argv())).kv("held_sockets", held.keySet())
                .kv("action", "replacing rolld's code in place; workers keep running"));
        notifier.reexecuting();
        flushWorkersFile.run();
        ErrnoException failure = a.build().exec(held, version);
        attempt = null;
        a.quiet().keySet().forEach(Group::resume);
        LOG.error("{}", Logfmt.event("reexec_failed").kv("error", failure.getMessage())
                .kv("action", "rolld carries on with its running build; workers untouched"));
        notifier.ready();
        ticket.failed().complete(failure.getMessage());
    }

    private void callOff(Attempt a, ControlSession.Refused why) {
        attempt = null;
        a.quiet().keySet().forEach(Group::resume);
        refused(why, a.reply());
    }

    private static void refused(ControlSession.Refused why, CompletableFuture<Ticket> reply) {
        LOG.error("{}", Logfmt.event("reexec_refused").kv("code", why.code).kv("reason", why.getMessage())
                .kv("action", "rolld carries on with its running build; workers untouched"));
        reply.completeExceptionally(why);
    }
}
