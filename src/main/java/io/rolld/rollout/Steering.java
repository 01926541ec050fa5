package io.rolld.rollout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The operator's hand on a group's rollout in progress ({@code rolld promote}, {@code rolld abort}),
 * whoever started it: the commands and the group's answers. {@link Group#steer} hands a command to
 * the group's loop, which answers from the state it owns, so nothing is left over for a later step.
 */
public final class Steering {
    private Steering() {
    }

    /** What an operator can ask of a rollout. */
    public enum Command {
        /** End the current bake or canary pause now and go on. */
        PROMOTE,
        /** Roll back now (in SWITCHING: once the running hook ends). */
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
        /** Taken during {@code step} (a bake or pause, or the phase); {@code result} completes when that rollout ends. */
        record Taken(Command command, String step, CompletableFuture<RolloutResult> result) implements Answer {
        }

        /** The group has no rollout in progress. */
        record NoRollout() implements Answer {
        }

        /** A promote while the rollout is in no bake or pause (it starts, checks, switches, drains or stops). */
        record NotHolding() implements Answer {
        }

        /** An abort while the old set drains or stops: the new set serves alone already; {@code phase} says where. */
        record TooLate(Phase phase) implements Answer {
        }
    }
}
