package io.rolld.rollout;

import io.rolld.config.HeldSockets;
import io.rolld.config.GroupConfig;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits until every worker of a new held-socket generation is ready by the group's rule:
 * Server::Starter's (still alive after the interval) or systemd's ({@code READY=1} from the
 * worker's pid on the generation's notify socket, within ready_timeout). A worker that exits
 * first ends the wait at once (its exit wakes the wait, no polling).
 */
final class GenerationReadiness {
    /** How often the notify socket is read for READY=1 (a non-blocking read: cheap, and little delay added). */
    private static final Duration NOTIFY_POLL = Duration.ofMillis(5);

    private final HeldSockets.Ready rule;
    private final Duration timeout;

    GenerationReadiness(HeldSockets.Ready rule, Duration timeout) {
        this.rule = rule;
        this.timeout = timeout;
    }

    record NotReady(Worker worker, String reason) {
    }

    /** Where new workers report {@code READY=1} under the notify rule (empty under the other), for {@code tag} (a generation, a replacement). */
    static Optional<NotifySource> notifySource(HeldSockets.Ready rule, GroupConfig group, String tag, HeldSocketKeeper hold)
            throws IOException {
        return rule instanceof HeldSockets.Ready.Notify ? Optional.of(hold.notifySource(group, tag)) : Optional.empty();
    }

    Optional<NotReady> await(WorkerSet next, Optional<NotifySource> notify) throws InterruptedException {
        long start = System.nanoTime();
        CompletableFuture<Object> exited = next.anyExit();
        Set<Long> ready = new HashSet<>();
        while (true) {
            for (Worker w : next.workers()) {
                if (!w.isAlive()) {
                    return Optional.of(new NotReady(w, "exited after " + elapsedMs(start) + "ms (" + w.exit().join() + ")"));
                }
            }
            long elapsed = System.nanoTime() - start;
            long pause = NOTIFY_POLL.toNanos();
            switch (rule) {
                case HeldSockets.Ready.AliveFor(Duration interval) -> {
                    if (elapsed >= interval.toNanos()) {
                        return Optional.empty();
                    }
                    pause = interval.toNanos() - elapsed; // woken earlier only by an exit
                }
                case HeldSockets.Ready.Notify() -> {
                    notify.orElseThrow().poll().stream()
                            .filter(n -> n.assignment().equals("READY=1"))
                            .forEach(n -> ready.add(n.pid()));
                    Optional<Worker> waiting = next.workers().stream().filter(w -> !ready.contains(w.pid())).findFirst();
                    if (waiting.isEmpty()) {
                        return Optional.empty();
                    }
                    if (elapsed >= timeout.toNanos()) {
                        return Optional.of(new NotReady(waiting.get(), "no READY=1 on NOTIFY_SOCKET within " + timeout.toMillis()
                                + "ms (" + ready.size() + " of " + next.workers().size() + " workers ready)"));
                    }
                }
            }
            try {
                exited.get(pause, TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // time to look again; an exit is seen by the check above
            }
        }
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
