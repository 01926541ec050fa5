package io.rolld.rollout;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The operator's hand on a group's rollout in progress ({@code rolld promote}, {@code rolld abort}),
 * whoever started it. The rollout opens a hold while it bakes or pauses on a canary step and waits
 * on it; a command is taken only while a hold is open, so none is left over for a later step or
 * rollout. The control socket's threads call {@link #request}; only the group's thread calls the rest.
 */
public final class Steering {
    /** Monotonic time and waiting on it, injected so that tests advance a fake clock instead of sleeping. */
    public interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void waitOn(Object monitor, long nanos) throws InterruptedException {
                monitor.wait(Math.max(1, nanos / 1_000_000));
            }
        };

        long nanoTime();

        /** Waits on {@code monitor} (held by the caller) at most {@code nanos}, or until notified. */
        void waitOn(Object monitor, long nanos) throws InterruptedException;
    }

    /** What an operator can ask of a bake or a canary pause. */
    public enum Command {
        /** End the current bake or pause now and go on. */
        PROMOTE,
        /** Switch back to the old set now. */
        ABORT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A bake or canary pause in progress: {@code step} names it, {@code weight} is the new set's percent. */
    public record Hold(String step, int weight, Duration left) {
    }

    /** The answer to a command. */
    public sealed interface Answer {
        /** Taken by the hold named {@code step}; {@code result} completes when that rollout ends. */
        record Taken(Command command, String step, CompletableFuture<RolloutResult> result) implements Answer {
        }

        /** The group has no rollout in progress. */
        record NoRollout() implements Answer {
        }

        /** A rollout runs but is in no bake or pause (it starts, checks, switches, drains or stops). */
        record NotHolding() implements Answer {
        }
    }

    private final Clock clock;
    // Guarded by this.
    private CompletableFuture<RolloutResult> running;
    private String step;
    private int weight;
    private long deadlineNanos;
    private Command pending;
    /** Something the bake must look at now (a new worker exited): ends the current {@link #await} early. */
    private boolean nudged;

    public Steering(Clock clock) {
        this.clock = clock;
    }

    /** Called by the control socket's threads: hands {@code command} to the open hold, if any. */
    public synchronized Answer request(Command command) {
        if (running == null) {
            return new Answer.NoRollout();
        }
        if (step == null) {
            return new Answer.NotHolding();
        }
        // An abort is never overridden by a later promote.
        if (pending != Command.ABORT) {
            pending = command;
        }
        notifyAll();
        return new Answer.Taken(command, step, running);
    }

    /** The bake or pause in progress, with the time left, for status. */
    public synchronized Optional<Hold> hold() {
        if (step == null) {
            return Optional.empty();
        }
        return Optional.of(new Hold(step, weight, Duration.ofNanos(Math.max(0, deadlineNanos - clock.nanoTime()))));
    }

    /** The clock deadlines of holds are read on. */
    Clock clock() {
        return clock;
    }

    /** Any thread: wakes the bake in progress to run its checks now (a worker of the new set exited). */
    public synchronized void nudge() {
        nudged = true;
        notifyAll();
    }

    /** The group's thread: a rollout answering to {@code result} begins. */
    synchronized void begin(CompletableFuture<RolloutResult> result) {
        running = result;
    }

    /** The group's thread: the rollout ended. */
    synchronized void end() {
        running = null;
        step = null;
        pending = null;
    }

    /** The rollout bakes or pauses as {@code step} until {@code deadlineNanos} (of the constructor's clock). */
    synchronized void open(String step, int weight, long deadlineNanos) {
        this.step = step;
        this.weight = weight;
        this.deadlineNanos = deadlineNanos;
        this.pending = null;
    }

    /**
     * Waits until a command arrives (returned and consumed), a {@link #nudge} or {@code untilNanos}
     * (both: empty), whichever is first; never past the hold's deadline.
     */
    synchronized Optional<Command> await(long untilNanos) throws InterruptedException {
        long until = Math.min(untilNanos, deadlineNanos);
        for (long left = until - clock.nanoTime(); pending == null && !nudged && left > 0; left = until - clock.nanoTime()) {
            clock.waitOn(this, left);
        }
        nudged = false;
        Command taken = pending;
        pending = null;
        return Optional.ofNullable(taken);
    }

    /** Ends the hold; returns a command that arrived since the last {@link #await}, so none is lost to a race. */
    synchronized Optional<Command> close() {
        Command taken = pending;
        step = null;
        pending = null;
        return Optional.ofNullable(taken);
    }
}
