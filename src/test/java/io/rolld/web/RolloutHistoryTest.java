package io.rolld.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutHistoryTest {
    private final RolloutHistory history = new RolloutHistory(Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC));

    @Test
    void finished_afterTransitions_recordsEachPhasesDuration() {
        roll(2, "HUP", true);

        RolloutRecord r = history.of("app").recent().getFirst();
        assertEquals(List.of(new PhaseTime(Phase.STARTING, 0, 10), new PhaseTime(Phase.CHECKING, 10, 90),
                new PhaseTime(Phase.SWITCHING, 100, 20), new PhaseTime(Phase.DRAINING, 120, 30),
                new PhaseTime(Phase.STOPPING, 150, 50)), r.phases());
        assertEquals("succeeded", r.outcome());
        assertEquals(List.of(8001, 8002), r.startedPorts());
        assertTrue(history.of("app").running().isEmpty());
    }

    @Test
    void transition_whileRunning_showsTheCurrentPhase() {
        history.accept(new RolloutEvent.Started("app", 2, "rolld restart"));
        history.accept(new RolloutEvent.Transition("app", 2, Phase.STARTING, List.of(8001), 0, 0));
        history.accept(new RolloutEvent.Transition("app", 2, Phase.CHECKING, List.of(8001), 12, 12));

        RolloutRecord r = history.of("app").running().orElseThrow();
        assertEquals(Phase.CHECKING, r.current().orElseThrow().phase());
        assertEquals(List.of(new PhaseTime(Phase.STARTING, 0, 12)), r.phases());
        assertEquals("running", r.outcome());
    }

    @Test
    void finished_moreThanKept_keepsTheNewestTwentyNewestFirst() {
        for (int g = 1; g <= 25; g++) {
            roll(g, "HUP", true);
        }

        List<RolloutRecord> recent = history.of("app").recent();
        assertEquals(GroupHistory.KEPT, recent.size());
        assertEquals(25, recent.getFirst().generation());
        assertEquals(6, recent.getLast().generation());
        assertEquals(Map.of(new Tally.RolloutKey("succeeded", "hup"), 25L), history.of("app").tally().rollouts());
    }

    @Test
    void finished_countsByResultAndTriggerAndTimesTheDuration() {
        roll(1, "first start", true);
        roll(2, "HUP", false);
        roll(2, "rolld restart", true);

        Tally t = history.of("app").tally();
        assertEquals(Map.of(new Tally.RolloutKey("succeeded", "first_start"), 1L, new Tally.RolloutKey("rolled_back", "hup"), 1L,
                new Tally.RolloutKey("succeeded", "restart"), 1L), t.rollouts());
        assertEquals(2, t.durations().get("succeeded").count());
        assertEquals(0.4, t.durations().get("succeeded").sum(), 1e-9);
        assertEquals(Instant.parse("2025-01-02T03:04:05Z"), t.lastByResult().get("rolled_back"));
        assertEquals("rolled_back", history.of("app").recent().get(1).outcome());
    }

    @Test
    void restarts_countCrashRespawnsAndTheWorkersOfMemoryAndAutoRestartRollouts() {
        history.accept(new RolloutEvent.WorkerRespawned("app", 1, 8001, 8001, 42, 1, List.of()));
        roll(2, "memory: port 8001 pid 41 uses 70MB", true);
        roll(3, "auto_restart: every 6h", true);

        assertEquals(Map.of(Tally.CRASH, 1L, Tally.MEMORY, 2L, Tally.AUTO_RESTART, 2L), history.of("app").tally().restarts());
    }

    @Test
    void restarts_countLivenessRollouts_andHeldReplacementsByTheirReason() {
        roll(2, "liveness: port 8001 pid 41 unresponsive (3 failed: timed out after 2000ms)", true);
        history.accept(new RolloutEvent.WorkerReplaced("app", 2, 1, 100, 102, "liveness", 900));
        history.accept(new RolloutEvent.WorkerReplaced("app", 2, 2, 101, 103, "memory", 900));

        assertEquals(Map.of(Tally.LIVENESS, 3L, Tally.MEMORY, 1L), history.of("app").tally().restarts());
        assertEquals(Map.of(new Tally.RolloutKey("succeeded", "liveness"), 1L), history.of("app").tally().rollouts());
    }

    @Test
    void transition_withoutARollout_changesNothing() {
        history.accept(new RolloutEvent.Transition("app", 1, Phase.STOPPING, List.of(8001), 0, 0));

        assertTrue(history.of("app").running().isEmpty());
        assertTrue(history.of("app").recent().isEmpty());
    }

    /** A rollout of two workers whose phases take 10, 90, 20, 30 and 50 ms (a failure rolls back after CHECKING). */
    private void roll(long generation, String trigger, boolean succeeds) {
        List<Integer> ports = List.of(8001, 8002);
        history.accept(new RolloutEvent.Started("app", generation, trigger));
        history.accept(new RolloutEvent.Transition("app", generation, Phase.STARTING, ports, 0, 0));
        history.accept(new RolloutEvent.WorkerStarted("app", generation, 8001, 8001, 100, List.of()));
        history.accept(new RolloutEvent.WorkerStarted("app", generation, 8002, 8002, 101, List.of()));
        history.accept(new RolloutEvent.Transition("app", generation, Phase.CHECKING, ports, 10, 10));
        if (!succeeds) {
            history.accept(new RolloutEvent.Transition("app", generation, Phase.ROLLING_BACK, ports, 100, 100));
            history.accept(new RolloutEvent.Transition("app", generation, Phase.IDLE, ports, 130, 130));
            history.accept(new RolloutEvent.Finished(new RolloutResult.Failed("app", generation, Phase.CHECKING,
                    "smoke test failed", "HTTP 500", 130), Instant.EPOCH));
            return;
        }
        history.accept(new RolloutEvent.Transition("app", generation, Phase.SWITCHING, ports, 100, 100));
        history.accept(new RolloutEvent.Transition("app", generation, Phase.DRAINING, ports, 120, 120));
        history.accept(new RolloutEvent.Transition("app", generation, Phase.STOPPING, ports, 150, 150));
        history.accept(new RolloutEvent.Transition("app", generation, Phase.IDLE, ports, 200, 200));
        history.accept(new RolloutEvent.Finished(new RolloutResult.Succeeded("app", generation, ports, List.of(100L, 101L),
                List.of(), 200), Instant.EPOCH));
    }
}
