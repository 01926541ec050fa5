package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventRingTest {
    private static void log(EventRing ring, String group, String line) {
        ring.add(Instant.now(), "INFO", Optional.ofNullable(group), line, Map.of("event", line));
    }

    @Test
    void tail_returnsTheLastMatchingLinesOfEveryGroupInTheOrderLogged() {
        EventRing ring = new EventRing();
        log(ring, "app", "a1");
        log(ring, null, "starting");
        log(ring, "other", "o1");
        log(ring, "app", "a2");

        List<String> lines = ring.tail(e -> e.group().map("app"::equals).orElse(true), 2, Optional.empty())
                .history().stream().map(EventRing.Entry::line).toList();

        assertEquals(List.of("starting", "a2"), lines);
    }

    @Test
    void add_pastTheCapacity_dropsOnlyThatGroupsOldestLines() {
        EventRing ring = new EventRing();
        log(ring, "quiet", "q1");
        for (int i = 0; i < EventRing.CAPACITY + 5; i++) {
            log(ring, "chatty", "c" + i);
        }

        List<String> lines = ring.tail(e -> true, Integer.MAX_VALUE, Optional.empty()).history().stream().map(EventRing.Entry::line).toList();

        assertEquals(EventRing.CAPACITY + 1, lines.size());
        assertEquals("q1", lines.getFirst());
        assertEquals("c5", lines.get(1));
    }

    @Test
    void tail_withAFollower_handsOnEveryLaterMatchingLineUntilClosed() {
        EventRing ring = new EventRing();
        log(ring, "app", "before");
        List<String> followed = new ArrayList<>();

        try (EventRing.Tail tail = ring.tail(e -> e.group().isPresent(), 10, Optional.of(e -> followed.add(e.line())))) {
            log(ring, "app", "after");
            log(ring, null, "not matching");
            assertEquals(List.of("before"), tail.history().stream().map(EventRing.Entry::line).toList());
        }
        log(ring, "app", "closed");

        assertEquals(List.of("after"), followed);
    }
}
