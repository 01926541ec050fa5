package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.Liveness;
import io.rolld.config.SmokeTest;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When workers are checked, when one counts as unresponsive, and the cooldown, on a hand-turned clock. */
class LivenessWatchTest {
    private static final Liveness LIVENESS = new Liveness(new SmokeTest.Tcp(Duration.ofSeconds(2)),
            Duration.ofSeconds(10), 3, Duration.ofSeconds(30), Duration.ofMinutes(5));
    private static final Optional<String> TIMED_OUT = Optional.of("timed out after 2000ms");

    private final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
    private final List<RolloutEvent> events = new ArrayList<>();
    private final LivenessWatch watch = new LivenessWatch("app", events::add, now::get);
    private final Worker a = FakeWorkers.running(8001);
    private final Worker b = FakeWorkers.running(8002);

    @BeforeEach
    void serve() {
        watch.configure(Optional.of(LIVENESS), Optional.empty());
        watch.track(new WorkerSet(1, List.of(a, b)));
    }

    private List<Worker> due() {
        return watch.due(Optional.empty()).stream().map(LivenessWatch.Check::worker).toList();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void due_duringGrace_checksNothing_thenEachWorkerOncePerInterval() {
        advance(Duration.ofSeconds(29));
        assertEquals(List.of(), due(), "within grace");
        assertEquals(Duration.ofSeconds(1).toNanos(), watch.nextDueNanos().orElseThrow() - now.get());

        advance(Duration.ofSeconds(1));
        assertEquals(2, due().size());
        assertEquals(List.of(), due(), "not again while their checks are in flight");

        watch.checked(a, Optional.empty(), 1);
        advance(Duration.ofSeconds(9));
        assertEquals(List.of(), due(), "a's next check is an interval after the last one began");
        advance(Duration.ofSeconds(1));
        assertEquals(List.of(a), due(), "b's check is still in flight");
    }

    @Test
    void checked_thirdFailureInARow_isUnresponsive_andAPassInBetweenStartsOver() {
        advance(Duration.ofSeconds(30));
        List<Optional<LivenessWatch.Unresponsive>> answers = new ArrayList<>();
        for (Optional<String> result : List.of(TIMED_OUT, TIMED_OUT, Optional.<String>empty(), TIMED_OUT, TIMED_OUT, TIMED_OUT)) {
            due();
            answers.add(watch.checked(a, result, 1));
            advance(Duration.ofSeconds(10));
        }

        assertEquals(5, answers.stream().filter(Optional::isEmpty).count(), answers.toString());
        LivenessWatch.Unresponsive u = answers.getLast().orElseThrow();
        assertEquals(a, u.worker());
        assertEquals("liveness: port 8001 pid " + a.pid() + " unresponsive (3 failed: timed out after 2000ms)", u.reason());
        due();
        assertEquals(Optional.empty(), watch.checked(a, TIMED_OUT, 1), "asked once: the replacement is on its way");
    }

    @Test
    void anUnresponsiveSuccessor_withinTheCooldown_isNotReplacedAndReportedOnce_thenIsAfterIt() {
        advance(Duration.ofSeconds(30));
        failThrice(a).orElseThrow();
        watch.track(new WorkerSet(2, List.of(b))); // a was replaced: its successor hangs too, here b

        assertEquals(Optional.empty(), failThrice(b));
        assertEquals(Optional.empty(), failThrice(b));

        List<RolloutEvent.WorkerUnresponsive> skipped = events.stream().filter(e -> e instanceof RolloutEvent.WorkerUnresponsive)
                .map(e -> (RolloutEvent.WorkerUnresponsive) e).toList();
        assertEquals(1, skipped.size(), events.toString());
        assertEquals(LivenessAction.SKIPPED_COOLDOWN, skipped.getFirst().action());
        assertEquals(List.of(b.pid(), 3L), List.of(skipped.getFirst().pid(), (long) skipped.getFirst().failures()));
        assertEquals(1, watch.problems().size());
        assertTrue(watch.problems().getFirst().startsWith("port 8002 pid " + b.pid() + " unresponsive (timed out after 2000ms), not replaced"),
                watch.problems().toString());

        advance(Duration.ofMinutes(5));
        assertTrue(failThrice(b).isPresent(), "replaced once the cooldown is over");
        assertEquals(List.of(), watch.problems());
    }

    @Test
    void aSkippedWorkerThatAnswersAgain_isHealthy() {
        advance(Duration.ofSeconds(30));
        failThrice(a).orElseThrow();
        failThrice(b);
        assertEquals(1, watch.problems().size());

        due();
        watch.checked(b, Optional.empty(), 1);

        assertEquals(List.of(), watch.problems());
    }

    @Test
    void watchdogExpired_whenAWorkerIsSilentForTheInterval_andNotWhileItPings() {
        watch.configure(Optional.empty(), Optional.of(Duration.ofSeconds(30)));
        advance(Duration.ofSeconds(20));
        watch.pinged(a.pid());
        advance(Duration.ofSeconds(10));

        List<LivenessWatch.Unresponsive> expired = watch.watchdogExpired(1);

        assertEquals(List.of(b), expired.stream().map(LivenessWatch.Unresponsive::worker).toList());
        assertEquals("liveness: port 8002 pid " + b.pid() + " unresponsive (1 failed: no WATCHDOG=1 for 30000ms (watchdog 30000ms))",
                expired.getFirst().reason());
        assertEquals(Duration.ofSeconds(20).toNanos(), watch.nextDueNanos().orElseThrow() - now.get(), "a's window ends next");
        assertEquals(List.of(), watch.due(Optional.empty()), "no checks without liveness:");
    }

    @Test
    void watchdog_ofWorkersAdoptedFromAnotherRolld_countsOnceTheyAreHeard() {
        watch.configure(Optional.empty(), Optional.of(Duration.ofSeconds(30)));
        watch.adopted(new WorkerSet(1, List.of(a, b)));
        advance(Duration.ofMinutes(5));

        assertEquals(List.of(), watch.watchdogExpired(1), "never heard: they may ping another rolld's socket");
        assertTrue(watch.nextDueNanos().isEmpty(), "nothing to wake for");

        watch.pinged(a.pid());
        advance(Duration.ofSeconds(30));
        assertEquals(List.of(a), watch.watchdogExpired(1).stream().map(LivenessWatch.Unresponsive::worker).toList());
    }

    @Test
    void track_forgetsWorkersNoLongerServing() {
        watch.track(new WorkerSet(2, List.of(b)));
        advance(Duration.ofSeconds(30));

        assertEquals(List.of(b), due());
        assertEquals(Optional.empty(), watch.checked(a, TIMED_OUT, 1), "a no longer serves");
    }

    /** Three checks of {@code w}, an interval apart, each failing: the replacement one of them asked for, if any. */
    private Optional<LivenessWatch.Unresponsive> failThrice(Worker w) {
        Optional<LivenessWatch.Unresponsive> asked = Optional.empty();
        for (int i = 0; i < 3; i++) {
            due();
            asked = asked.or(() -> watch.checked(w, TIMED_OUT, 1));
            advance(Duration.ofSeconds(10));
        }
        return asked;
    }
}
