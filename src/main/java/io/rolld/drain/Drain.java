package io.rolld.drain;

import io.rolld.os.ProcNetTcp;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Waits until no established TCP connection has its local end on one of a set of ports. The
 * kernel has no event for a connection closing that rolld could wait on without privileges
 * (eBPF), so the tables are read every {@link #POLL}: the last close is seen within that plus one
 * read, well under 60 ms.
 */
public final class Drain {
    private static final Duration POLL = Duration.ofMillis(25);

    private final ProcNetTcp tcp;

    public Drain(ProcNetTcp tcp) {
        this.tcp = tcp;
    }

    /** The outcome: {@code remaining} is empty when every connection closed in time. */
    public record Result(Map<Integer, Integer> remaining, long elapsedMs) {
        public boolean drained() {
            return remaining.isEmpty();
        }
    }

    public Result await(Set<Integer> ports, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            Map<Integer, Integer> open = tcp.established(ports);
            long now = System.nanoTime();
            if (open.isEmpty() || now >= deadline) {
                return new Result(Map.copyOf(open), (now - start) / 1_000_000);
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, (deadline - now) / 1_000_000)));
        }
    }
}
