package io.rolld.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * What rolld does between rollouts to keep a group healthy: respawn crashed workers, roll the
 * group when a worker outgrows its memory limit or at a fixed interval, replace a worker that stops
 * answering its liveness checks ({@code liveness}) or, under {@code ready: notify}, stops sending
 * {@code WATCHDOG=1} within {@code watchdog} (systemd's WatchdogSec), take part of the workers'
 * environment from an envdir, and tell an operator's command about events.
 */
public record Supervision(Respawn respawn, Optional<Memory> memory, Optional<AutoRestart> autoRestart,
                          Optional<Path> envdir, Optional<OnEvent> onEvent, Optional<Liveness> liveness,
                          Optional<Duration> watchdog) {

    public static final Supervision DEFAULTS = new Supervision(Respawn.DEFAULTS, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** The same without an envdir: the environment is given whole. */
    public Supervision withoutEnvdir() {
        return new Supervision(respawn, memory, autoRestart, Optional.empty(), onEvent, liveness, watchdog);
    }

    /**
     * A crashed worker is started again on its port after {@code backoff}, doubling for every crash
     * in a row up to {@code maxBackoff}; the series resets once a worker has stayed up {@code resetAfter}.
     */
    public record Respawn(Duration backoff, Duration maxBackoff, Duration resetAfter) {
        public static final Respawn DEFAULTS = new Respawn(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /** What a memory reading counts: resident set, proportional set or unique set (smaps_rollup). */
    public enum Metric {
        RSS, PSS, USS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Each worker (or each child, see {@link Per}) gets its own limit, drawn uniformly between
     * {@code minLimit} and {@code limit} bytes, so that workers growing alike do not all cross at
     * the same moment.
     */
    public record Memory(long limit, long minLimit, Metric metric, Duration checkInterval, Duration cooldown, Per per) {
        public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);
        public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
    }

    /** What one memory limit applies to. */
    public sealed interface Per {
        /** A worker's whole process tree; over its limit, the group rolls (or, with held sockets, the worker is replaced). */
        record Worker() implements Per {
        }

        /**
         * Each child the worker's process forked (a preforking server's master forks them), with
         * its own descendants; over its limit, a child gets {@code signal}, the server's own
         * graceful stop for one child, and SIGKILL if it still runs {@code killAfter} later (the
         * group's stop_timeout); its master forks the next one.
         */
        record Child(PosixSignal signal, Duration killAfter) implements Per {
        }
    }

    /** A rollout every {@code every} plus a random part of {@code jitter}, counted from the last rollout. */
    public record AutoRestart(Duration every, Duration jitter) {
    }

    /** The operator's command, run through /bin/sh for each of {@code events}. */
    public record OnEvent(String command, Set<EventKind> events, Duration timeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

        public OnEvent {
            events = Set.copyOf(events);
        }
    }

    /** The events an {@code on_event} command can be told about, by their names in rolld.yml. */
    public enum EventKind {
        ROLLOUT_STARTED, ROLLOUT_STEP, ROLLOUT_SUCCEEDED, ROLLOUT_FAILED, WORKER_CRASHED, MEMORY_EXCEEDED, CHILD_OVER_MEMORY,
        WORKER_UNRESPONSIVE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
