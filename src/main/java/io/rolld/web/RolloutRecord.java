package io.rolld.web;

import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One rollout as its events told it: running while {@code result} is empty, then finished.
 * {@code current} is the phase it is in (from its last transition); {@code phases} those it left.
 */
public record RolloutRecord(String group, long generation, String trigger, Instant startedAt, List<PhaseTime> phases,
                            Optional<RolloutEvent.Transition> current, List<Integer> startedPorts,
                            Optional<RolloutResult> result, Optional<Instant> finishedAt) {
    public RolloutRecord {
        phases = List.copyOf(phases);
        startedPorts = List.copyOf(startedPorts);
    }

    static RolloutRecord started(RolloutEvent.Started s, Instant now) {
        return new RolloutRecord(s.group(), s.generation(), s.trigger(), now, List.of(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty());
    }

    /** Closes the current phase at {@code t}; {@code IDLE} ends the last one. */
    RolloutRecord entered(RolloutEvent.Transition t) {
        Optional<RolloutEvent.Transition> next = t.phase() == Phase.IDLE ? Optional.empty() : Optional.of(t);
        return new RolloutRecord(group, generation, trigger, startedAt, closed(t.elapsedMs()), next, startedPorts, result, finishedAt);
    }

    RolloutRecord workerStarted(int port) {
        List<Integer> ports = new ArrayList<>(startedPorts);
        ports.add(port);
        return new RolloutRecord(group, generation, trigger, startedAt, phases, current, ports, result, finishedAt);
    }

    RolloutRecord finished(RolloutResult r, Instant now) {
        return new RolloutRecord(group, generation, trigger, startedAt, closed(r.elapsedMs()), Optional.empty(), startedPorts,
                Optional.of(r), Optional.of(now));
    }

    /** {@code succeeded}, {@code rolled_back}, or {@code running}: the words of {@code rolld status}. */
    public String outcome() {
        return result.map(r -> switch (r) {
            case RolloutResult.Succeeded _ -> "succeeded";
            case RolloutResult.Failed _ -> "rolled_back";
        }).orElse("running");
    }

    private List<PhaseTime> closed(long atMs) {
        if (current.isEmpty()) {
            return phases;
        }
        RolloutEvent.Transition c = current.get();
        List<PhaseTime> all = new ArrayList<>(phases);
        all.add(new PhaseTime(c.phase(), c.elapsedMs(), Math.max(0, atMs - c.elapsedMs())));
        return all;
    }
}
