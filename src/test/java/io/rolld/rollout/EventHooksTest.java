package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.config.Supervision;
import io.rolld.os.Exit;
import io.rolld.os.MemoryReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ROLLD_* variables an on_event command gets (docs/configuration.md, "Events"), from each event's own fields. */
class EventHooksTest {
    static Stream<Arguments> environments() {
        return Stream.of(
                Arguments.of(new RolloutEvent.Started("app", 2, "HUP"), Optional.of(Map.of("ROLLD_GROUP", "app",
                        "ROLLD_EVENT", "rollout_started", "ROLLD_GENERATION", "2", "ROLLD_REASON", "HUP", "ROLLD_TRIGGER", "HUP"))),
                Arguments.of(new RolloutEvent.Finished(new RolloutResult.Succeeded("app", 2, List.of(8003, 8004), List.of(43L, 44L),
                        List.of(41L, 42L), 900), Instant.EPOCH), Optional.of(Map.of("ROLLD_GROUP", "app", "ROLLD_EVENT", "rollout_succeeded",
                        "ROLLD_GENERATION", "2", "ROLLD_REASON", "rollout succeeded", "ROLLD_PORTS", "8003,8004",
                        "ROLLD_PIDS", "43,44", "ROLLD_OLD_PIDS", "41,42", "ROLLD_ELAPSED_MS", "900"))),
                Arguments.of(new RolloutEvent.Finished(new RolloutResult.Failed("app", 2, Phase.SWITCHING, "after_start failed", "out", 70), Instant.EPOCH),
                        Optional.of(Map.of("ROLLD_GROUP", "app", "ROLLD_EVENT", "rollout_failed", "ROLLD_GENERATION", "2",
                                "ROLLD_REASON", "after_start failed", "ROLLD_STATE", "SWITCHING", "ROLLD_ELAPSED_MS", "70"))),
                Arguments.of(new RolloutEvent.WorkerCrashed("app", 1, 8001, 42, new Exit.Signaled(9), 1200, 2, 500, "tail"),
                        Optional.of(Map.of("ROLLD_GROUP", "app", "ROLLD_EVENT", "worker_crashed", "ROLLD_GENERATION", "1",
                                "ROLLD_REASON", new Exit.Signaled(9).toString(), "ROLLD_PID", "42", "ROLLD_PORT", "8001",
                                "ROLLD_EXIT", new Exit.Signaled(9).toString(), "ROLLD_CRASHES", "2", "ROLLD_RESPAWN_IN_MS", "500"))),
                Arguments.of(new RolloutEvent.MemoryExceeded("app", 2, 8001, 42,
                                new MemoryReader.Usage(Supervision.Metric.PSS, 300, 310, 2, true), 256, MemoryAction.REPLACE, "over"),
                        Optional.of(Map.ofEntries(Map.entry("ROLLD_GROUP", "app"), Map.entry("ROLLD_EVENT", "memory_exceeded"),
                                Map.entry("ROLLD_GENERATION", "2"), Map.entry("ROLLD_REASON", "over"), Map.entry("ROLLD_PID", "42"),
                                Map.entry("ROLLD_PORT", "8001"), Map.entry("ROLLD_RSS", "310"), Map.entry("ROLLD_MEMORY", "300"),
                                Map.entry("ROLLD_METRIC", "pss"), Map.entry("ROLLD_LIMIT", "256"), Map.entry("ROLLD_ACTION", "replace")))),
                Arguments.of(new RolloutEvent.StepStarted("app", 4, "bake", 100, List.of(8003, 8004), 12000),
                        Optional.of(Map.of("ROLLD_GROUP", "app", "ROLLD_EVENT", "rollout_step", "ROLLD_GENERATION", "4",
                                "ROLLD_REASON", "bake: new set at 100%", "ROLLD_STEP", "bake", "ROLLD_WEIGHT", "100",
                                "ROLLD_PORTS", "8003,8004", "ROLLD_DURATION_MS", "12000"))),
                Arguments.of(new RolloutEvent.WorkerUnresponsive("app", 3, 8501, 4242, 3, "timed out after 2000ms", LivenessAction.ROLLOUT),
                        Optional.of(Map.of("ROLLD_GROUP", "app", "ROLLD_EVENT", "worker_unresponsive", "ROLLD_GENERATION", "3",
                                "ROLLD_REASON", "timed out after 2000ms", "ROLLD_PID", "4242", "ROLLD_PORT", "8501",
                                "ROLLD_FAILURES", "3", "ROLLD_ACTION", "rollout"))),
                Arguments.of(new RolloutEvent.Transition("app", 2, Phase.CHECKING, List.of(8001), 5, 5), Optional.empty()),
                Arguments.of(new RolloutEvent.WorkerStopped("app", 1, 8001, 42, new Exit.Code(0)), Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("environments")
    void environment_ofEachEvent_isWhatTheReadmeLists(RolloutEvent event, Optional<Map<String, String>> expected) {
        assertEquals(expected, EventHooks.environment(event));
    }
}
