package io.rolld.web;

import io.rolld.os.ResidentMemory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Recent RSS readings of each worker, for the status page's sparklines and {@code /metrics}. A
 * reading is taken when asked and kept at most once per {@code everyNanos}; the last
 * {@value #KEPT} kept readings of a pid are its series.
 */
final class MemorySamples {
    static final int KEPT = 30;

    private record Series(long lastNanos, List<Long> bytes) {
    }

    private final ResidentMemory memory;
    private final long everyNanos;
    private final LongSupplier ticker;
    private final Map<Long, Series> byPid = new ConcurrentHashMap<>();

    MemorySamples(ResidentMemory memory, long everyNanos, LongSupplier ticker) {
        this.memory = memory;
        this.everyNanos = everyNanos;
        this.ticker = ticker;
    }

    /** RSS of {@code pid} now (empty when it is gone). */
    OptionalLong read(long pid) {
        OptionalLong now = memory.bytes(pid);
        now.ifPresent(bytes -> byPid.compute(pid, (p, s) -> keep(s, bytes)));
        return now;
    }

    /** The kept readings of {@code pid}, oldest first. */
    List<Long> series(long pid) {
        Series s = byPid.get(pid);
        return s == null ? List.of() : s.bytes();
    }

    /** Forgets every pid not in {@code alive}. */
    void retain(Collection<Long> alive) {
        byPid.keySet().retainAll(alive);
    }

    private Series keep(Series s, long bytes) {
        long now = ticker.getAsLong();
        if (s != null && now - s.lastNanos() < everyNanos) {
            return s;
        }
        List<Long> next = new ArrayList<>(s == null ? List.of() : s.bytes());
        next.add(bytes);
        return new Series(now, List.copyOf(next.subList(Math.max(0, next.size() - KEPT), next.size())));
    }
}
