package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterleavingTest {
    private static final Instant T = Instant.parse("2026-12-07T20:00:00Z");

    @Test
    void takeBefore_ordersBySourcesTimes_andKeepsLaterLinesForLater() {
        Interleaving<String> lines = new Interleaving<>();
        lines.add("a", T.plusMillis(10), "a10");
        lines.add("b", T.plusMillis(5), "b5");
        lines.add("a", T.plusMillis(30), "a30");

        assertEquals(List.of("b5", "a10"), lines.takeBefore(T.plusMillis(20)));
        assertEquals(List.of("a30"), lines.takeAll());
    }

    @Test
    void add_lineTimedBeforeItsSourcesPreviousOne_staysAfterIt() {
        Interleaving<String> lines = new Interleaving<>();
        lines.add("file", T.plusMillis(50), "stamped");
        lines.add("file", T.plusMillis(10), "continuation");
        lines.add("rolld", T.plusMillis(20), "event");

        assertEquals(List.of("event", "stamped", "continuation"), lines.takeAll());
    }
}
