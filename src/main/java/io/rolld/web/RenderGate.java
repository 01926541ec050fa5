package io.rolld.web;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Renders one route at a time, and answers a route again from its last rendering for
 * {@code fresh} nanoseconds. Connections each have a virtual thread (a slow client costs nothing),
 * but rendering is serialized, so a flood of requests uses at most one core and mostly repeats bytes.
 */
final class RenderGate {
    private record Rendered(long atNanos, Response response) {
    }

    private final Semaphore one = new Semaphore(1);
    private final ConcurrentHashMap<String, Rendered> last = new ConcurrentHashMap<>();
    private final long freshNanos;
    private final LongSupplier ticker;

    RenderGate(long freshNanos, LongSupplier ticker) {
        this.freshNanos = freshNanos;
        this.ticker = ticker;
    }

    Response render(String path, Supplier<Response> route) throws InterruptedException {
        one.acquire();
        try {
            Rendered r = last.get(path);
            long now = ticker.getAsLong();
            if (r == null || now - r.atNanos() >= freshNanos) {
                r = new Rendered(now, route.get());
                last.put(path, r);
            }
            return r.response();
        } finally {
            one.release();
        }
    }
}
