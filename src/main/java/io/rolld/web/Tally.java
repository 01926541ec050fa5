package io.rolld.web;

import io.rolld.rollout.Phase;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A group's counters since rolld started, as an immutable value (each change returns a new one).
 *
 * @param rollouts   finished rollouts by result and trigger label
 * @param restarts   workers rolld restarted, by reason: {@code crash}, {@code memory}, {@code liveness}, {@code auto_restart}
 * @param durations  rollout durations by result
 * @param phases     phase durations
 * @param lastByResult when the last rollout of each result finished
 */
record Tally(Map<RolloutKey, Long> rollouts, Map<String, Long> restarts, Map<String, Histogram> durations,
             Map<Phase, Histogram> phases, Map<String, Instant> lastByResult) {
    static final String CRASH = "crash";
    static final String MEMORY = "memory";
    static final String LIVENESS = "liveness";
    static final String AUTO_RESTART = "auto_restart";

    record RolloutKey(String result, String trigger) {
    }

    Tally {
        rollouts = Map.copyOf(rollouts);
        restarts = Map.copyOf(restarts);
        durations = Map.copyOf(durations);
        phases = Map.copyOf(phases);
        lastByResult = Map.copyOf(lastByResult);
    }

    static Tally empty() {
        return new Tally(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    Tally restarted(String reason, int workers) {
        Map<String, Long> next = new HashMap<>(restarts);
        next.merge(reason, (long) workers, Long::sum);
        return new Tally(rollouts, next, durations, phases, lastByResult);
    }

    Tally finished(RolloutRecord r) {
        String result = r.outcome();
        Map<RolloutKey, Long> counts = new HashMap<>(rollouts);
        counts.merge(new RolloutKey(result, Trigger.label(r.trigger())), 1L, Long::sum);
        Map<String, Histogram> byResult = new HashMap<>(durations);
        byResult.put(result, durations.getOrDefault(result, Histogram.empty()).observe(r.result().orElseThrow().elapsedMs() / 1000.0));
        Map<Phase, Histogram> byPhase = new HashMap<>(phases);
        for (PhaseTime p : r.phases()) {
            byPhase.put(p.phase(), byPhase.getOrDefault(p.phase(), Histogram.empty()).observe(p.durationMs() / 1000.0));
        }
        Map<String, Instant> last = new HashMap<>(lastByResult);
        last.put(result, r.finishedAt().orElseThrow());
        return new Tally(counts, restarts, byResult, byPhase, last);
    }
}
