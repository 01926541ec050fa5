package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.config.Worksets;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.util.List;

/**
 * What a rollout does differently in each mode of a group (spawn, readiness, what the switch and
 * the retirement work on); {@link Machine} alone orders the steps. One per rollout: it may hold
 * resources of the generation it starts, released by {@link #close}.
 */
sealed interface RolloutMode extends AutoCloseable permits WorksetMode, HeldSocketMode {
    int STDERR_TAIL_LINES = 20;

    static RolloutMode of(GroupConfig config, long generation, Host host, HeldSocketKeeper sockets) {
        return switch (config.mode()) {
            case Worksets w -> new WorksetMode(config, w, generation, host);
            case HeldSockets h -> new HeldSocketMode(config, h, generation, sockets, host.spawner());
        };
    }

    /** What the new generation starts from: its specs, its slots in order, and the ports it serves. */
    record Plan(WorkerSpecs specs, List<Integer> slots, List<Integer> ports) {
        public Plan {
            slots = List.copyOf(slots);
            ports = List.copyOf(ports);
        }
    }

    /** The ports the rollout announces as it starts, before anything is checked or bound. */
    List<Integer> plannedPorts();

    /** The slots a generation runs, in order: the workset's ports, or worker numbers 1..workers. */
    List<Integer> slots();

    /** Checks and acquires what the new generation needs (free ports, the held sockets); nothing is spawned yet. */
    Plan prepare() throws RolloutFailure;

    /** Starts the worker of {@code slot} of {@code plan}. */
    Worker spawn(Plan plan, int slot) throws IOException;

    /** Returns once every worker of {@code next} is ready to take traffic. */
    void awaitReady(WorkerSet next) throws RolloutFailure, InterruptedException;

    /**
     * During a bake: fails when a worker of {@code next} no longer passes the mode's own check (the
     * smoke tests, once per port; in held-socket mode a probe could reach the old generation, so none).
     */
    void recheck(WorkerSet next, String during) throws RolloutFailure, InterruptedException;

    /** The ports the old set serves on: the front's {@code old_ports}, and what stopping it names. */
    List<Integer> oldPorts(WorkerSet old);

    /**
     * The ports whose established connections must end before the old set stops; empty when each
     * old worker's own graceful stop is the drain (held sockets: the kernel queue stays open).
     */
    List<Integer> portsToDrain(WorkerSet old);

    @Override
    void close();
}
