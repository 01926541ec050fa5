package io.rolld.rollout;

import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What every state of a rollout in progress knows: its plan, the old set, the workers it started so
 * far, the ports the new generation serves, the old workers batches retired early, and how far the
 * front may have gone. Values only: {@link Machine#next} returns a changed copy.
 *
 * @param old     the old generation as it serves, retired workers included (in slot order: batches retire the first slots)
 * @param started the workers of the new generation started so far, in slot order
 * @param ports   the ports the new generation serves (held-socket mode: known once the sockets are held)
 * @param retired old workers stopped by finished batches; the rest of {@code old} still serves
 * @param front   the furthest the front may have gone; {@link Intent.FrontTarget#OLD}: it was never touched
 * @param emptySince {@link RolloutPlan.Batching#RECREATE}: when the old set had stopped and no worker served (nanos of the
 *                loop's clock), until the new one is ready
 */
record RolloutRun(RolloutPlan plan, WorkerSet old, List<Worker> started, List<Integer> ports, List<Worker> retired,
                  Intent.FrontTarget front, OptionalLong emptySince) {
    RolloutRun {
        started = List.copyOf(started);
        ports = List.copyOf(ports);
        retired = List.copyOf(retired);
    }

    static RolloutRun of(RolloutPlan plan, WorkerSet old) {
        return new RolloutRun(plan, old, List.of(), plan.plannedPorts(), List.of(), Intent.FrontTarget.OLD, OptionalLong.empty());
    }

    WorkerSet next() {
        return new WorkerSet(plan.to(), started);
    }

    /** The old workers that still run their slots. */
    WorkerSet serving() {
        if (retired.isEmpty()) {
            return old;
        }
        Set<Worker> gone = new HashSet<>(retired); // asked at every loop step: no list scan per worker
        return new WorkerSet(old.generation(), old.workers().stream().filter(w -> !gone.contains(w)).toList());
    }

    RolloutRun withStarted(List<Worker> more, List<Integer> newPorts) {
        List<Worker> all = new ArrayList<>(started);
        all.addAll(more);
        return new RolloutRun(plan, old, all, newPorts, retired, front, emptySince);
    }

    RolloutRun withNext(WorkerSet next) {
        return new RolloutRun(plan, old, next.workers(), ports, retired, front, emptySince);
    }

    /** The supervisor changed the serving old workers (a respawn): the retired ones keep their leading slots. */
    RolloutRun withServing(WorkerSet serving) {
        List<Worker> all = new ArrayList<>(retired);
        all.addAll(serving.workers());
        return new RolloutRun(plan, new WorkerSet(old.generation(), all), started, ports, retired, front, emptySince);
    }

    RolloutRun withRetired(List<Worker> more) {
        List<Worker> all = new ArrayList<>(retired);
        all.addAll(more);
        return new RolloutRun(plan, old, started, ports, all, front, emptySince);
    }

    /** The retired old workers were started again: {@code restored} take their slots, and none is retired. */
    RolloutRun withRestored(List<Worker> restored) {
        List<Worker> all = new ArrayList<>(restored);
        all.addAll(serving().workers());
        return new RolloutRun(plan, new WorkerSet(old.generation(), all), started, ports, List.of(), front, emptySince);
    }

    RolloutRun withFront(Intent.FrontTarget to) {
        return new RolloutRun(plan, old, started, ports, retired, to, emptySince);
    }

    /** Recreate: the old set is stopped at {@code now}; nothing serves until the new set is ready. */
    RolloutRun emptiedAt(long now) {
        return new RolloutRun(plan, old, started, ports, retired, front, OptionalLong.of(now));
    }

    /** The old workers of {@code slots} (held-socket slots are 1-based positions) that still serve. */
    List<Worker> oldOfSlots(List<Integer> slots) {
        return slots.stream().filter(s -> s >= 1 && s <= old.workers().size()).map(s -> old.workers().get(s - 1))
                .filter(w -> !retired.contains(w)).toList();
    }

    /** The ports the old set serves: its own, or in held-socket mode the very held ports the new one serves. */
    List<Integer> oldPorts() {
        return switch (plan.retirement()) {
            case DRAIN_THEN_STOP -> old.ports();
            case STOP -> ports;
        };
    }

    Intent intent(Phase phase) {
        return Intent.of(phase, plan.from(), front);
    }
}
