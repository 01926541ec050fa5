package io.rolld.probe;

import io.rolld.config.Liveness;
import java.util.Optional;

/** One liveness check of one worker's port, as a smoke test checks it; blocks for at most the check's timeout (and a connect's). */
public final class LivenessCheck {
    private LivenessCheck() {
    }

    /** Empty when the check passed; else why it failed ({@code timed out after 2000ms} when it used up its timeout). */
    public static Optional<String> run(Liveness liveness, int port) {
        long start = System.nanoTime();
        ProbeResult result;
        try (Probe probe = Readiness.probeFor(liveness.check())) {
            result = probe.check(Readiness.HOST, port);
        }
        if (result instanceof ProbeResult.Ready) {
            return Optional.empty();
        }
        long elapsedNanos = System.nanoTime() - start;
        if (result instanceof ProbeResult.Unreachable && elapsedNanos >= liveness.timeout().toNanos()) {
            return Optional.of("timed out after " + liveness.timeout().toMillis() + "ms");
        }
        return Optional.of(result.toString());
    }
}
