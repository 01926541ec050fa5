package io.rolld.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Lines from several sources put in time order. Each source's lines keep their own order: a line
 * timed earlier than its source's previous one is placed right after it. Lines are taken out once
 * every source has delivered what it wrote before a point in time (the watermark).
 */
public final class Interleaving<T> {
    private record Item<T>(Instant time, long seq, T value) {
    }

    private final PriorityQueue<Item<T>> queue = new PriorityQueue<>(
            Comparator.<Item<T>, Instant>comparing(Item::time).thenComparingLong(Item::seq));
    private final Map<Object, Instant> latest = new HashMap<>();
    private long seq;

    public void add(Object source, Instant time, T value) {
        Instant previous = latest.get(source);
        Instant placed = previous != null && time.isBefore(previous) ? previous : time;
        latest.put(source, placed);
        queue.add(new Item<>(placed, seq++, value));
    }

    /** The lines timed before {@code watermark}, in order. */
    public List<T> takeBefore(Instant watermark) {
        List<T> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().time().isBefore(watermark)) {
            out.add(queue.poll().value());
        }
        return out;
    }

    public List<T> takeAll() {
        List<T> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            out.add(queue.poll().value());
        }
        return out;
    }
}
