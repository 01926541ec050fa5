package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.os.HeldSocketSet;
import io.rolld.process.Spawner;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Held-socket mode: the next generation of {@code workers} processes starts beside the old one on
 * the same held sockets; once every new worker is ready by the group's rule the old generation gets
 * its stop signal (it stops accepting and finishes what it serves, while the kernel queue stays open
 * because rolld holds the socket). Nothing is switched in a front, so there is nothing to drain: a
 * worker's own graceful stop is the drain.
 *
 * <p>The group's {@link Supervisor} respawns crashed workers of the serving generation and
 * replaces one worker over its memory limit alone ({@link HeldReplacement}).
 */
final class HeldSocketMode implements RolloutMode {
    private final GroupConfig config;
    private final HeldSockets held;
    private final long generation;
    private final HeldSocketKeeper hold;
    private final Spawner spawner;
    /** Set by {@link #prepare}. */
    private List<Integer> ports = List.of();
    private Optional<NotifySource> notify = Optional.empty();

    HeldSocketMode(GroupConfig config, HeldSockets held, long generation, HeldSocketKeeper hold, Spawner spawner) {
        this.config = config;
        this.held = held;
        this.generation = generation;
        this.hold = hold;
        this.spawner = spawner;
    }

    /** The held sockets are bound by the first rollout's {@link #prepare}: nothing to announce before. */
    @Override
    public List<Integer> plannedPorts() {
        return List.of();
    }

    @Override
    public List<Integer> slots() {
        return IntStream.rangeClosed(1, held.workers()).boxed().toList();
    }

    @Override
    public Plan prepare() throws RolloutFailure {
        HeldSocketSet sockets;
        try {
            sockets = hold.listeners(config.name(), held.listen());
        } catch (IOException | RuntimeException e) {
            throw new RolloutFailure("cannot hold the sockets of group " + config.name() + ": " + e.getMessage(), "");
        }
        ports = sockets.ports();
        WorkerSpecs specs;
        try {
            specs = WorkerSpecs.load(config, new Slots.Held(held, sockets), spawner);
        } catch (IOException e) {
            throw new RolloutFailure(e.getMessage(), ""); // what could not be read, and why
        }
        try {
            notify = GenerationReadiness.notifySource(held.ready(), config, Long.toString(generation), hold);
        } catch (IOException | RuntimeException e) {
            throw new RolloutFailure("cannot create the notify socket: " + e.getMessage(), "");
        }
        return new Plan(specs, slots(), ports);
    }

    @Override
    public Worker spawn(Plan plan, int slot) throws IOException {
        return plan.specs().spawn(slot, generation, notify.map(NotifySource::path));
    }

    @Override
    public void awaitReady(WorkerSet next) throws RolloutFailure, InterruptedException {
        Optional<GenerationReadiness.NotReady> notReady = new GenerationReadiness(held.ready(), config.readyTimeout()).await(next, notify);
        if (notReady.isPresent()) {
            Worker w = notReady.get().worker();
            throw new RolloutFailure("worker pid " + w.pid() + " not ready: " + notReady.get().reason(), w.stderrTail(STDERR_TAIL_LINES));
        }
    }

    /** A probe of the shared socket may be answered by either generation: the bake watches exits and its check command. */
    @Override
    public void recheck(WorkerSet next, String during) {
        // nothing beyond what every mode watches
    }

    /** The held ports: the old generation serves the very sockets the new one does. */
    @Override
    public List<Integer> oldPorts(WorkerSet old) {
        return ports;
    }

    @Override
    public List<Integer> portsToDrain(WorkerSet old) {
        return List.of();
    }

    @Override
    public void close() {
        notify.ifPresent(NotifySource::close);
    }
}
