package io.rolld.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One group of identical workers. {@code cmd}, {@code stdout} and {@code stderr} are templates in
 * which {@code {numproc}} stands for the worker's port (see {@link Placeholders}).
 *
 * @param directory   absolute working directory of the workers
 * @param stdout      log file template, relative to {@code directory}; empty means rolld's own stdout
 * @param env         variables added to rolld's environment for the workers
 * @param mode        {@link Worksets} ({@code workset:}) or {@link HeldSockets} ({@code listen:})
 * @param stopSignal  what stops a worker gracefully, e.g. {@code TERM}
 * @param supervision respawn, memory limits, periodic restarts, envdir and event commands
 * @param runAs       {@code user:}/{@code group:} for the workers; empty: rolld's own ids
 * @param delivery    bake, canary steps and batches; {@link Delivery#ALL_AT_ONCE} when none is set
 * @param front       {@link FrontConfig#HOOKS} (the after_start hooks switch the front) or HAProxy's runtime API
 * @param logs        rotation of the workers' stdout and stderr files (the group's {@code logs:},
 *                    else {@code rolld: logs:}); empty: never rotated
 */
public record GroupConfig(
        String name,
        String cmd,
        Path directory,
        Optional<String> stdout,
        Optional<String> stderr,
        Map<String, String> env,
        GroupMode mode,
        List<SmokeTest> smokeTests,
        List<Hook> afterStart,
        PosixSignal stopSignal,
        Duration stopTimeout,
        Duration readyTimeout,
        Duration drainTimeout,
        Duration hookTimeout,
        int startNice,
        Supervision supervision,
        Optional<RunAs> runAs,
        Delivery delivery,
        FrontConfig front,
        Optional<LogRotation> logs) {

    public static final PosixSignal DEFAULT_STOP_SIGNAL = PosixSignal.TERM;
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How much lower a new generation's CPU priority is (nice value added) until the group counts
     * it ready, so its start competes less with the generation that serves. Off by default: in
     * scripts/bench it did not lower the p99 during rollouts and made them slower
     * (docs/benchmarks.md), since a held-socket worker accepts before it is counted ready.
     */
    public static final int DEFAULT_START_NICE = 0;
    public static final int MAX_START_NICE = 19;

    public GroupConfig {
        env = Map.copyOf(env);
        smokeTests = List.copyOf(smokeTests);
        afterStart = List.copyOf(afterStart);
    }

    /**
     * This group running a recorded release (a rollback): {@code directory}, {@code cmd} and the whole
     * {@code env} as recorded, no envdir read; everything else (worksets, checks, hooks) as configured now.
     */
    public GroupConfig pinnedTo(Path releaseDirectory, String releaseCmd, Map<String, String> releaseEnv) {
        return new GroupConfig(name, releaseCmd, releaseDirectory, stdout, stderr, releaseEnv, mode, smokeTests, afterStart,
                stopSignal, stopTimeout, readyTimeout, drainTimeout, hookTimeout, startNice, supervision.withoutEnvdir(), runAs, delivery, front, logs);
    }
}
