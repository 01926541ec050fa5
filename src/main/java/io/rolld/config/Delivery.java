package io.rolld.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a new generation takes over, beyond the all-at-once switch: a {@code bake} after the switch
 * with the old set kept running, {@code canary} steps before the full switch (load-balancer mode),
 * {@code batch}es of workers replaced at a time (held-socket mode), or the old generation stopped
 * before the new one starts ({@code strategy: recreate}, held-socket mode).
 *
 * @param canary   empty: one switch to the whole new set; else steps of strictly increasing weight
 * @param batch    empty: the whole generation at once
 * @param strategy whether the new generation starts beside the old one, or after it stopped
 */
public record Delivery(Optional<Bake> bake, List<CanaryStep> canary, OptionalInt batch, Strategy strategy) {
    public static final Delivery ALL_AT_ONCE = new Delivery(Optional.empty(), List.of(), OptionalInt.empty(), Strategy.ROLLING);

    /** {@code strategy:} in rolld.yml. */
    public enum Strategy {
        /** The new generation starts and passes its checks while the old one serves (the default). */
        ROLLING,
        /**
         * Held-socket mode, for apps that cannot run twice: the old generation stops first, then the new
         * one starts on the same held sockets; connections that arrive meanwhile wait in the socket's queue.
         */
        RECREATE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Delivery {
        canary = List.copyOf(canary);
    }

    /**
     * After the switch (and during each canary pause) the old set stays running and the new one is
     * watched: smoke tests and {@code check} every {@code interval}, worker exits at once.
     *
     * @param check a shell command; non-zero exit is a failure
     */
    public record Bake(Duration duration, Duration interval, Optional<String> check) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    }

    /** A switch of {@code weight} percent of the traffic to the new set, watched for {@code pause} before the next. */
    public record CanaryStep(int weight, Duration pause) {
        public static final int MIN_WEIGHT = 1;
        public static final int MAX_WEIGHT = 99;

        public CanaryStep {
            if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
                throw new IllegalArgumentException("canary weight " + weight + " out of range " + MIN_WEIGHT + ".." + MAX_WEIGHT);
            }
        }
    }

    /** How often the new set is checked while it bakes or pauses. */
    public Duration watchInterval() {
        return bake.map(Bake::interval).orElse(Bake.DEFAULT_INTERVAL);
    }

    /** The operator's check command, run every {@link #watchInterval()}. */
    public Optional<String> check() {
        return bake.flatMap(Bake::check);
    }
}
