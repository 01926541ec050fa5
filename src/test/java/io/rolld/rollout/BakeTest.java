package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bake's wait, with a fake clock that a wait advances at once: no test waits for time to pass. */
class BakeTest {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private final long[] now = {0};
    private final Steering.Clock clock = new Steering.Clock() {
        @Override
        public long nanoTime() {
            return now[0];
        }

        @Override
        public void waitOn(Object monitor, long nanos) {
            now[0] += nanos;
        }
    };
    private final Steering steering = new Steering(clock);

    /** A check that fails at round {@code failAt} (0: never). */
    private Bake.Check rounds(AtomicInteger count, int failAt) {
        return () -> {
            return count.incrementAndGet() == failAt ? Optional.of(new Bake.Outcome.Failed("port 8501 answered 500", "")) : Optional.empty();
        };
    }

    @Test
    void run_whenEveryCheckPasses_isCleanAfterTheWholeDurationAndChecksEachInterval() throws Exception {
        AtomicInteger count = new AtomicInteger();
        steering.begin(new CompletableFuture<>());

        Bake.Outcome outcome = new Bake(steering, INTERVAL, rounds(count, 0)).run("bake", 100, Duration.ofSeconds(5));

        assertInstanceOf(Bake.Outcome.Clean.class, outcome);
        assertEquals(5, count.get());
        assertEquals(Optional.empty(), steering.hold());
    }

    @Test
    void run_whenACheckFails_endsAtOnceWithItsReason() throws Exception {
        AtomicInteger count = new AtomicInteger();
        steering.begin(new CompletableFuture<>());

        Bake.Outcome outcome = new Bake(steering, INTERVAL, rounds(count, 3)).run("bake", 100, Duration.ofSeconds(12));

        assertEquals(new Bake.Outcome.Failed("port 8501 answered 500", ""), outcome);
        assertEquals(3, count.get());
    }

    @Test
    void run_whenPromotedDuringThePause_endsWithoutWaitingItOut() throws Exception {
        CompletableFuture<RolloutResult> rollout = new CompletableFuture<>();
        steering.begin(rollout);
        List<Steering.Answer> answers = new ArrayList<>();
        Bake.Check promoteAtSecondRound = new Bake.Check() {
            int n;

            @Override
            public Optional<Bake.Outcome.Failed> run() {
                if (++n == 2) {
                    answers.add(steering.request(Steering.Command.PROMOTE));
                }
                return Optional.empty();
            }
        };

        Bake.Outcome outcome = new Bake(steering, INTERVAL, promoteAtSecondRound).run("canary 1/2", 25, Duration.ofMinutes(10));

        assertInstanceOf(Bake.Outcome.Promoted.class, outcome);
        assertEquals(List.of(new Steering.Answer.Taken(Steering.Command.PROMOTE, "canary 1/2", rollout)), answers);
    }

    @Test
    void run_whenAbortArrivesDuringTheLastCheck_isAbortedNotClean() throws Exception {
        steering.begin(new CompletableFuture<>());
        Bake.Check abortInLastRound = () -> {
            if (now[0] >= Duration.ofSeconds(2).toNanos()) {
                steering.request(Steering.Command.ABORT);
            }
            return Optional.empty();
        };

        Bake.Outcome outcome = new Bake(steering, INTERVAL, abortInLastRound).run("bake", 100, Duration.ofSeconds(2));

        assertInstanceOf(Bake.Outcome.Aborted.class, outcome);
    }

    @Test
    void hold_duringTheBake_showsTheStepWeightAndTimeLeft() throws Exception {
        steering.begin(new CompletableFuture<>());
        List<Optional<Steering.Hold>> seen = new ArrayList<>();
        Bake.Check look = () -> {
            seen.add(steering.hold());
            return Optional.empty();
        };

        new Bake(steering, INTERVAL, look).run("canary 2/2", 50, Duration.ofSeconds(2));

        assertEquals(Optional.of(new Steering.Hold("canary 2/2", 50, Duration.ofSeconds(1))), seen.getFirst());
        assertEquals(Optional.of(new Steering.Hold("canary 2/2", 50, Duration.ZERO)), seen.getLast());
    }

    @Test
    void request_outsideABake_saysWhetherARolloutRuns() {
        assertInstanceOf(Steering.Answer.NoRollout.class, steering.request(Steering.Command.PROMOTE));

        steering.begin(new CompletableFuture<>());
        assertInstanceOf(Steering.Answer.NotHolding.class, steering.request(Steering.Command.ABORT));

        steering.end();
        assertInstanceOf(Steering.Answer.NoRollout.class, steering.request(Steering.Command.ABORT));
    }

    @Test
    void request_promoteAfterAbort_keepsTheAbort() throws Exception {
        steering.begin(new CompletableFuture<>());
        steering.open("bake", 100, Long.MAX_VALUE);

        steering.request(Steering.Command.ABORT);
        steering.request(Steering.Command.PROMOTE);

        assertEquals(Optional.of(Steering.Command.ABORT), steering.await(Long.MAX_VALUE));
    }

    @Test
    void await_whenNudged_returnsAtOnceWithoutACommand() throws Exception {
        steering.begin(new CompletableFuture<>());
        steering.open("bake", 100, Long.MAX_VALUE);

        steering.nudge();

        assertEquals(Optional.empty(), steering.await(Long.MAX_VALUE));
        assertTrue(steering.hold().isPresent());
    }
}
