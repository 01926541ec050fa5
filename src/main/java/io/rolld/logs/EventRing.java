package io.rolld.logs;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * rolld's recent log lines, kept in memory for {@code rolld logs} whatever rolld logs to (stdout
 * read by the journal, a file): the last {@link #CAPACITY} of each group, and as many of rolld's
 * own lines that name no group, so a chatty group cannot push another's out. Followers get every
 * later line as it is logged, on the logging thread: they must only hand it on.
 */
public final class EventRing {
    public static final int CAPACITY = 2000;
    private static final String NO_GROUP = "";

    /**
     * One log line: {@code line} is its text without time and level ({@code event=... group=...},
     * a detail on the following lines), {@code fields} the same as the JSON log format has them.
     */
    public record Entry(long seq, Instant time, String level, Optional<String> group, String line, Map<String, Object> fields) {
        public Entry {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** The lines that matched when following began, oldest first; {@link #close()} stops the following. */
    public interface Tail extends AutoCloseable {
        List<Entry> history();

        @Override
        void close();
    }

    private record Follower(Predicate<Entry> matches, Consumer<Entry> sink) {
    }

    private final Map<String, ArrayDeque<Entry>> byGroup = new LinkedHashMap<>(); // guarded by this
    private final List<Follower> followers = new ArrayList<>(); // guarded by this
    private long seq; // guarded by this

    public synchronized void add(Instant time, String level, Optional<String> group, String line, Map<String, Object> fields) {
        Entry e = new Entry(++seq, time, level, group, line, fields);
        ArrayDeque<Entry> ring = byGroup.computeIfAbsent(group.orElse(NO_GROUP), g -> new ArrayDeque<>());
        if (ring.size() == CAPACITY) {
            ring.removeFirst();
        }
        ring.addLast(e);
        for (Follower f : followers) {
            if (f.matches().test(e)) {
                f.sink().accept(e);
            }
        }
    }

    /**
     * The last {@code lines} kept entries that match, oldest first; with a {@code follower}, every
     * later matching entry is handed to it too, from exactly the next one on (none missed, none twice).
     */
    public synchronized Tail tail(Predicate<Entry> matches, int lines, Optional<Consumer<Entry>> follower) {
        List<Entry> all = new ArrayList<>();
        byGroup.values().forEach(ring -> ring.stream().filter(matches).forEach(all::add));
        all.sort(Comparator.comparingLong(Entry::seq));
        List<Entry> history = List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        Optional<Follower> registered = follower.map(sink -> new Follower(matches, sink));
        registered.ifPresent(followers::add);
        return new Tail() {
            @Override
            public List<Entry> history() {
                return history;
            }

            @Override
            public void close() {
                registered.ifPresent(f -> {
                    synchronized (EventRing.this) {
                        followers.remove(f);
                    }
                });
            }
        };
    }
}
