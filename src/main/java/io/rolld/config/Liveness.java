package io.rolld.config;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * A group's liveness checks ({@code liveness:}), as Kubernetes' liveness probes: every
 * {@code interval} each serving worker gets {@code check} (an HTTP GET, or a TCP connect); one
 * that fails {@code failures} checks in a row, once {@code grace} has passed since it began to
 * serve, is replaced. A worker replaced for liveness whose successor is unresponsive too within
 * {@code cooldown} is not replaced again (every version hangs: a restart would loop), and the
 * group reads degraded. In held-socket mode the workers share their sockets, so each is checked on
 * its own port: {@code port} plus its worker number minus one, which it finds in
 * {@code $ROLLD_LIVENESS_PORT} ({@code port} is refused in workset mode, where each worker's own port is checked).
 */
public record Liveness(SmokeTest check, OptionalInt port, Duration interval, int failures, Duration grace, Duration cooldown) {
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
