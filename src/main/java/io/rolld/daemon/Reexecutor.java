package io.rolld.daemon;

import io.rolld.os.ErrnoException;
import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Runs one {@code rolld reexec} (or SIGUSR2) at a time: waits for the running rollouts to end and
 * checks the new build off the loop, then execs on the loop, so no other request of the loop runs
 * in between. {@link #request} and the exec itself run on the loop; {@code onLoop} posts work to it.
 */
final class Reexecutor {
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

    private final Path configFile;
    private final Supplier<List<GroupStatus>> groups;
    private final Supplier<Map<String, Integer>> heldSockets;
    private final ServiceNotifier notifier;
    /** Writes the workers file's pending changes: the next image reads it at once. */
    private final Runnable flushWorkersFile;
    private final Consumer<Runnable> onLoop;
    private final Instant started;
    private boolean running; // loop thread only

    Reexecutor(Path configFile, Supplier<List<GroupStatus>> groups, Supplier<Map<String, Integer>> heldSockets,
               ServiceNotifier notifier, Runnable flushWorkersFile, Consumer<Runnable> onLoop, Instant started) {
        this.configFile = configFile;
        this.groups = groups;
        this.heldSockets = heldSockets;
        this.notifier = notifier;
        this.flushWorkersFile = flushWorkersFile;
        this.onLoop = onLoop;
        this.started = started;
    }

    /** From a control session: the request is handed to the loop; the ticket or refusal comes back. */
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

    /** On the loop: starts a re-exec unless one is under way; {@code reply} gets the ticket or a {@link Reexec.Refused}. */
    void request(Duration timeout, String via, CompletableFuture<Ticket> reply) {
        if (running) {
            reply.completeExceptionally(new Reexec.Refused(ControlProtocol.REEXEC_REFUSED, "a re-exec is already under way"));
            return;
        }
        running = true;
        LOG.info("{}", Logfmt.event("reexec_requested").kv("via", via).kv("timeout_ms", timeout.toMillis())
                .kv("action", "waiting for running rollouts to end, then checking the build on disk"));
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread.ofVirtual().name("reexec-check").start(() -> prepare(deadline, reply));
    }

    private void prepare(long deadline, CompletableFuture<Ticket> reply) {
        try {
            Reexec.Launch launch = Reexec.current();
            Reexec.awaitIdle(groups, deadline);
            String newVersion = Reexec.checkNewBuild(launch, configFile);
            onLoop.accept(() -> execNow(launch, newVersion, deadline, reply));
        } catch (Reexec.Refused e) {
            onLoop.accept(() -> refuse(e, reply));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            onLoop.accept(() -> refuse(new Reexec.Refused(ControlProtocol.SHUTTING_DOWN, "interrupted"), reply));
        }
    }

    private void refuse(Reexec.Refused e, CompletableFuture<Ticket> reply) {
        running = false;
        LOG.error("{}", Logfmt.event("reexec_refused").kv("code", e.code).kv("reason", e.getMessage())
                .kv("action", "rolld carries on with its running build; workers untouched"));
        reply.completeExceptionally(e);
    }

    /** On the loop, so nothing the loop does runs between the last check and the exec. */
    private void execNow(Reexec.Launch launch, String newVersion, long deadline, CompletableFuture<Ticket> reply) {
        if (groups.get().stream().anyMatch(g -> g.phase() != Phase.IDLE)) {
            // A rollout began while the build was checked: wait for it too (the build stays checked).
            Thread.ofVirtual().name("reexec-wait").start(() -> {
                try {
                    Reexec.awaitIdle(groups, deadline);
                    onLoop.accept(() -> execNow(launch, newVersion, deadline, reply));
                } catch (Reexec.Refused e) {
                    onLoop.accept(() -> refuse(e, reply));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return;
        }
        String version = BuildVersion.current();
        Ticket ticket = new Ticket(ProcessHandle.current().pid(), version, newVersion, started,
                new CompletableFuture<>(), new CompletableFuture<>());
        reply.complete(ticket);
        try {
            ticket.announced().get(ANNOUNCE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the client went away or is slow: the re-exec goes on, its log says how it went
        }
        Map<String, Integer> held = heldSockets.get();
        LOG.info("{}", Logfmt.event("reexec").kv("pid", ticket.pid()).kv("version", version).kv("new_version", newVersion)
                .kv("command", String.join(" ", launch.argv())).kv("held_sockets", held.keySet())
                .kv("action", "replacing rolld's code in place; workers keep running"));
        notifier.reexecuting();
        flushWorkersFile.run();
        ErrnoException failure = Reexec.exec(launch, held, version);
        running = false;
        LOG.error("{}", Logfmt.event("reexec_failed").kv("error", failure.getMessage())
                .kv("action", "rolld carries on with its running build; workers untouched"));
        notifier.ready();
        ticket.failed().complete(failure.getMessage());
    }
}
