package io.rolld.daemon;

import io.rolld.os.ErrnoException;
import io.rolld.os.SdNotify;
import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Health;
import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd (a {@code Type=notify} service) how rolld stands: {@code READY=1} once every group
 * has started, {@code RELOADING=1}/{@code READY=1} around the rollouts a reload asked for,
 * {@code STOPPING=1}, and a {@code STATUS=} that names every group, sent whenever it changes.
 * Does nothing when {@code NOTIFY_SOCKET} is not set. A send that fails is logged, never fatal.
 */
final class ServiceNotifier implements Consumer<RolloutEvent> {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");

    private final Optional<SdNotify> socket;
    private final Supplier<List<GroupStatus>> groups;
    private final Supplier<Map<String, Integer>> heldSockets;
    /** What systemd's fd store holds from us, by name; guarded by this. */
    private final Map<String, Integer> stored = new HashMap<>();
    // Guarded by this.
    private boolean ready;
    private boolean stopping;
    private int reloadsRunning;
    private String lastStatus = "";
    private boolean failing;

    ServiceNotifier(Optional<SdNotify> socket, Supplier<List<GroupStatus>> groups, Supplier<Map<String, Integer>> heldSockets) {
        this.socket = socket;
        this.groups = groups;
        this.heldSockets = heldSockets;
    }

    /** Every group's first start (or adoption) is done. */
    synchronized void ready() {
        ready = true;
        storeSockets();
        send(List.of("READY=1", status()));
    }

    /**
     * Keeps systemd's fd store equal to the held sockets ({@code FDSTORE=1}, {@code FDNAME=GROUP/SOCKET};
     * a name whose socket changed or went away is removed first, {@code FDSTOREREMOVE=1}), so a rolld
     * restarted by systemd takes them back from {@code LISTEN_FDS} even when no worker survived.
     * Needs {@code FileDescriptorStoreMax=} in the unit; without it systemd drops them.
     */
    private void storeSockets() {
        if (socket.isEmpty()) {
            return;
        }
        Map<String, Integer> now = heldSockets.get();
        for (String name : List.copyOf(stored.keySet())) {
            if (!Objects.equals(now.get(name), stored.get(name))) {
                send(List.of("FDSTOREREMOVE=1", "FDNAME=" + name));
                stored.remove(name);
            }
        }
        now.forEach((name, fd) -> {
            if (!stored.containsKey(name) && send(List.of("FDSTORE=1", "FDNAME=" + name), List.of(fd))) {
                stored.put(name, fd);
            }
        });
    }

    /**
     * A reload (HUP, {@code rolld restart}) asked for {@code rollouts}: RELOADING=1 now, READY=1
     * once they and every other reload still running have ended, whatever their outcome.
     * Before the first READY=1 there is nothing to reload from: the rollouts only update STATUS.
     */
    synchronized void reloading(List<CompletableFuture<?>> rollouts) {
        if (!ready || stopping || rollouts.isEmpty()) {
            return;
        }
        if (reloadsRunning++ == 0) {
            send(List.of("RELOADING=1", "MONOTONIC_USEC=" + SdNotify.monotonicMicros(), status()));
        }
        CompletableFuture.allOf(rollouts.toArray(CompletableFuture[]::new)).whenComplete((r, e) -> reloaded());
    }

    private synchronized void reloaded() {
        if (--reloadsRunning == 0 && !stopping) {
            storeSockets(); // a group added or removed by the reload
            send(List.of("READY=1", status()));
        }
    }

    /** rolld is about to exec its new build; the new image sends READY=1 once it has taken its workers over. */
    synchronized void reexecuting() {
        send(List.of("RELOADING=1", "MONOTONIC_USEC=" + SdNotify.monotonicMicros(), "STATUS=re-executing the build on disk"));
    }

    /** rolld is stopping every worker and will exit. */
    synchronized void stopping() {
        stopping = true;
        send(List.of("STOPPING=1", "STATUS=stopping every worker"));
    }

    /** Sends the status line when an event changed it. */
    @Override
    public synchronized void accept(RolloutEvent event) {
        if (stopping || socket.isEmpty()) {
            return;
        }
        String status = status();
        if (!status.equals(lastStatus)) {
            send(List.of(status));
        }
    }

    /** {@code STATUS=api: serving, generation 3, 4/4 workers up; web: DRAINING to generation 8, ...}. */
    private String status() {
        return "STATUS=" + groups.get().stream().map(ServiceNotifier::describe).collect(Collectors.joining("; "));
    }

    static String describe(GroupStatus g) {
        long up = g.workers().stream().filter(GroupStatus.WorkerInfo::alive).count();
        String workers = up + "/" + g.workers().size() + " workers up";
        return g.name() + ": " + g.rollout().map(r -> r.phase() + " to generation " + r.generation())
                .orElse(g.state().label() + ", generation " + g.generation()) + ", " + workers;
    }

    private void send(List<String> assignments) {
        send(assignments, List.of());
    }

    /** True when the datagram went out. */
    private boolean send(List<String> assignments, List<Integer> fds) {
        if (socket.isEmpty()) {
            return false;
        }
        assignments.stream().filter(l -> l.startsWith("STATUS=")).findFirst().ifPresent(s -> lastStatus = s);
        try {
            socket.get().send(assignments, fds);
            failing = false;
            return true;
        } catch (ErrnoException e) {
            if (!failing) {
                LOG.warn("{}", Logfmt.event("notify_failed").kv("socket", socket.get().socket()).kv("error", e.getMessage())
                        .kv("action", "rolld carries on; systemd may not see its state"));
            }
            failing = true;
            return false;
        }
    }
}
