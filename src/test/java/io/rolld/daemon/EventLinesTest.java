package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rolld.config.PosixSignal;
import io.rolld.config.Supervision;
import io.rolld.control.Answer;
import io.rolld.os.Exit;
import io.rolld.os.MemoryReader;
import io.rolld.rollout.Health;
import io.rolld.rollout.LivenessAction;
import io.rolld.rollout.MemoryAction;
import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The log lines operators and tests read, rendered from each event's own name and fields. */
class EventLinesTest {
    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of(new RolloutEvent.Started("app", 2, "HUP"), "event=rollout_started group=app generation=2 trigger=HUP"),
                Arguments.of(new RolloutEvent.Transition("app", 2, Phase.CHECKING, List.of(8001, 8002), 67, 12),
                        "event=transition group=app generation=2 state=CHECKING ports=8001,8002 elapsed_ms=67 own_ms=12"),
                Arguments.of(new RolloutEvent.StepStarted("app", 4, "canary 1/2", 10, List.of(8003), 60000),
                        "event=rollout_step group=app generation=4 step=\"canary 1/2\" weight=10 ports=8003 duration_ms=60000"
                                + " action=\"the new set takes 10% of the weight; the old set serves the rest\""),
                Arguments.of(new RolloutEvent.DrainTimedOut("app", 2, Map.of(8001, 3), 30000),
                        "event=drain_timeout group=app generation=2 connections=3 by_port=8001:3 elapsed_ms=30000"
                                + " action=\"stopping the old workers anyway\""),
                Arguments.of(new RolloutEvent.WorkerStarted("app", 2, 1, 8080, 43, List.of(3)),
                        "event=worker_started group=app generation=2 port=8080 pid=43"),
                Arguments.of(new RolloutEvent.WorkerStopped("app", 1, 8001, 42, new Exit.Code(0)),
                        "event=worker_stopped group=app generation=1 port=8001 pid=42 exit=\"exit status 0\""),
                Arguments.of(new RolloutEvent.Finished(new RolloutResult.Succeeded("app", 2, List.of(8003), List.of(43L), List.of(42L), 900), Instant.EPOCH),
                        "event=rollout_succeeded group=app generation=2 ports=8003 pids=43 old_pids=42 elapsed_ms=900"),
                Arguments.of(new RolloutEvent.Finished(new RolloutResult.Failed("app", 2, Phase.CHECKING, "smoke test failed", "Traceback\n  line", 602), Instant.EPOCH),
                        "event=rollout_failed group=app generation=2 state=CHECKING reason=\"smoke test failed\" elapsed_ms=602"
                                + " action=\"old workers keep serving\"\n    Traceback\n      line"),
                Arguments.of(new RolloutEvent.WorkerCrashed("app", 1, 8001, 42, new Exit.Code(3), 1200, 2, 500, ""),
                        "event=worker_crashed group=app generation=1 port=8001 pid=42 exit=\"exit status 3\" uptime_ms=1200"
                                + " crashes_in_a_row=2 action=\"respawning on the same port in 500ms\" respawn_in_ms=500"),
                Arguments.of(new RolloutEvent.WorkerRespawned("app", 1, 8001, 8001, 44, 2, List.of()),
                        "event=worker_respawned group=app generation=1 port=8001 pid=44 crashes_in_a_row=2"),
                Arguments.of(new RolloutEvent.RespawnFailed("app", 1, 8001, "no such file", 3, 4000),
                        "event=respawn_failed group=app generation=1 port=8001 reason=\"no such file\" crashes_in_a_row=3"
                                + " action=\"retrying in 4000ms\""),
                Arguments.of(new RolloutEvent.WorkerAdopted("app", 3, 2, 8080, 42, "alive"),
                        "event=worker_adopted group=app generation=3 slot=2 port=8080 pid=42 verified=alive"),
                Arguments.of(new RolloutEvent.WorkerRefused("app", 3, 2, 8080, 42, "gone", "none"),
                        "event=worker_refused group=app generation=3 slot=2 port=8080 pid=42 reason=gone action=none"),
                Arguments.of(new RolloutEvent.GroupAdopted("app", 3, 2, 2, List.of(42L, 43L), "serving as before"),
                        "event=group_adopted group=app generation=3 adopted=2 recorded=2 pids=42,43"
                                + " summary=\"adopted 2 of 2 workers, generation 3\" action=\"serving as before\""),
                Arguments.of(new RolloutEvent.WorkerUnresponsive("app", 3, 8501, 4242, 3, "timed out after 2000ms", LivenessAction.ROLLOUT),
                        "event=worker_unresponsive group=app port=8501 pid=4242 failures=3 last=\"timed out after 2000ms\" action=rollout"
                                + " generation=3"),
                Arguments.of(new RolloutEvent.WorkerReplaced("app", 3, 2, 42, 45, "liveness", 1100),
                        "event=worker_replaced group=app generation=3 worker=2 old_pid=42 pid=45 reason=liveness elapsed_ms=1100"),
                Arguments.of(new RolloutEvent.ReplacementFailed("app", 3, 2, 42, "not ready", "", 900, "the old worker keeps running"),
                        "event=replacement_failed group=app generation=3 worker=2 pid=42 reason=\"not ready\" elapsed_ms=900"
                                + " action=\"the old worker keeps running\""),
                Arguments.of(new RolloutEvent.MemoryExceeded("app", 2, 8001, 42,
                                new MemoryReader.Usage(Supervision.Metric.RSS, 300, 300, 1, true), 256, MemoryAction.ROLLOUT, "over"),
                        "event=memory_exceeded group=app generation=2 port=8001 pid=42 metric=rss bytes=300 rss_bytes=300 limit=256"
                                + " action=rollout reason=over"),
                Arguments.of(new RolloutEvent.ChildOverMemory("app", 2, 8001, 42, 50,
                                new MemoryReader.Usage(Supervision.Metric.PSS, 300, 400, 1, true), 256, MemoryAction.SIGNAL,
                                PosixSignal.QUIT, "over"),
                        "event=child_over_memory group=app generation=2 port=8001 pid=42 child_pid=50 metric=pss bytes=300"
                                + " rss_bytes=400 limit=256 action=signal signal=SIGQUIT reason=over"),
                Arguments.of(new RolloutEvent.ChildKilled("app", 2, 8001, 42, 50, PosixSignal.QUIT, 30_000),
                        "event=child_killed group=app generation=2 port=8001 pid=42 child_pid=50 signal=SIGQUIT waited_ms=30000"
                                + " action=\"sent SIGKILL: it ignored SIGQUIT for stop_timeout; its master forks the next one\""),
                Arguments.of(new RolloutEvent.HealthChanged("app", new Health.Degraded(List.of("port 8001 down", "x"))),
                        "event=group_degraded group=app reasons=\"port 8001 down; x\""),
                Arguments.of(new RolloutEvent.HealthChanged("app", new Health.Healthy()), "event=group_healthy group=app"),
                Arguments.of(new RolloutEvent.EventCommandFailed("app", "worker_crashed", "exit 1"),
                        "event=on_event_failed group=app for_event=worker_crashed problem=\"exit 1\""));
    }

    @ParameterizedTest
    @MethodSource("lines")
    void line_ofEachEvent_isItsNameGroupAndFieldsInOrder(RolloutEvent event, String expected) {
        assertEquals(expected, Logfmt.of(event).toString());
    }

    /** A client reads every event as the event it is: no event's name is taken for another kind of answer. */
    @ParameterizedTest
    @MethodSource("lines")
    void controlMessage_ofEachEvent_decodesAsThatEventOrAsTheRolloutsResult(RolloutEvent event, String logLine) throws Exception {
        Answer decoded = Answer.decode(EventMessages.of(event).line());

        if (event instanceof RolloutEvent.Finished f) {
            assertEquals(f.result().generation(), assertInstanceOf(Answer.Result.class, decoded).generation());
        } else {
            Answer.Event e = assertInstanceOf(Answer.Event.class, decoded);
            assertEquals(event.name(), e.name());
            assertEquals(event.group(), e.group());
        }
    }
}
