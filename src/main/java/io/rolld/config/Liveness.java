package io.rolld.config;

import java.time.Duration;

/**
 * A group's liveness checks ({@code liveness:}), as Kubernetes' liveness probes: every
 * {@code interval} each serving worker gets {@code check} (an HTTP GET, or a TCP connect); one
 * that fails {@code failures} checks in a row, once {@code grace} has passed since it began to
 * serve, is replaced. A worker replaced for liveness whose successor is unresponsive too within
 * {@code cooldown} is not replaced again (every version hangs: a restart would loop), and the
 * group reads degraded. In workset mode each worker is checked on its port; in held-socket mode the
 * workers share their sockets, so each is checked on the TCP port it listens on by itself besides
 * them (a health port of its own, any port: one the kernel picked will do), found in {@code /proc}.
 */
public record Liveness(SmokeTest check, Duration interval, int failures, Duration grace, Duration cooldown) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_FAILURES = 3;
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** How long one check may take before it counts as failed. */
    public Duration timeout() {
        return switch (check) {
            case SmokeTest.Http h -> h.requestTimeout();
            case SmokeTest.Tcp t -> t.connectTimeout();
        };
    }
}
