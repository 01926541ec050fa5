package io.rolld.drain;

import io.rolld.config.FrontConfig;
import io.rolld.config.GroupConfig;
import io.rolld.haproxy.RuntimeApi;
import io.rolld.os.ProcNetTcp;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Waits until no established TCP connection has its local end on one of a set of ports. The
 * kernel has no event for a connection closing that rolld could wait on without privileges
 * (eBPF), so the tables are read every {@link #POLL}: the last close is seen within that plus one
 * read, well under 60 ms.
 *
 * <p>With a front that counts its own sessions ({@link FrontSessions}: HAProxy), those reach zero
 * first; then the front releases the ports (closing the idle connections it keeps to them), and
 * the kernel's count is waited for as before. One deadline covers both. A front that cannot be
 * asked is left out: the kernel's count still sees the connections it holds.
 */
public final class Drain {
    private static final Duration POLL = Duration.ofMillis(25);

    private final ProcNetTcp tcp;
    private final Optional<FrontSessions> front;

    public Drain(ProcNetTcp tcp) {
        this(tcp, Optional.empty());
    }

    public Drain(ProcNetTcp tcp, Optional<FrontSessions> front) {
        this.tcp = tcp;
        this.front = front;
    }

    /** The drain for {@code group}'s front: HAProxy's sessions too when the group has an HAProxy front. */
    public static Drain of(ProcNetTcp tcp, GroupConfig group) {
        return switch (group.front()) {
            case FrontConfig.Hooks h -> new Drain(tcp);
            case FrontConfig.Haproxy h -> new Drain(tcp, Optional.of(new HaproxySessions(RuntimeApi.at(h.socket()), h.backend())));
        };
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
        if (front.isPresent()) {
            try {
                Map<Integer, Integer> held = poll(() -> front.get().open(ports), deadline);
                front.get().release(ports); // timed out or not: the set stops next
                if (!held.isEmpty()) {
                    return new Result(Map.copyOf(held), (System.nanoTime() - start) / 1_000_000);
                }
            } catch (IOException e) {
                // A front that cannot be asked (a rollback after HAProxy refused the backend's name,
                // its socket gone): the kernel's count below still sees the connections it holds.
            }
        }
        Map<Integer, Integer> open = poll(() -> tcp.established(ports), deadline);
        return new Result(Map.copyOf(open), (System.nanoTime() - start) / 1_000_000);
    }

    /** A reading of open connections by port; {@code E}: what reading may throw. */
    private interface Count<E extends Exception> {
        Map<Integer, Integer> read() throws E;
    }

    /** Reads {@code count} every {@link #POLL} until it is empty or the deadline passed; returns the last reading. */
    private static <E extends Exception> Map<Integer, Integer> poll(Count<E> count, long deadline) throws InterruptedException, E {
        while (true) {
            Map<Integer, Integer> open = count.read();
            long now = System.nanoTime();
            if (open.isEmpty() || now >= deadline) {
                return open;
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, (deadline - now) / 1_000_000)));
        }
    }
}
