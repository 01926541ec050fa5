package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HintsTest {
    private static final List<String> KEYS = List.of("cmd", "directory", "stop_timeout", "stop_signal");

    @Test
    void closest_whenTwoEditsAway_suggestsTheKey() {
        assertEquals(Optional.of("directory"), Hints.closest("drectry", KEYS, Map.of()));
    }

    @Test
    void closest_whenCaseDiffers_ignoresCase() {
        assertEquals(Optional.of("cmd"), Hints.closest("CMD", KEYS, Map.of()));
    }

    @Test
    void closest_whenThreeEditsAway_suggestsNothing() {
        assertEquals(Optional.empty(), Hints.closest("comand", KEYS, Map.of()));
    }

    @Test
    void closest_whenCloseToAnAlias_suggestsOurKey() {
        assertEquals(Optional.of("cmd"), Hints.closest("comand", KEYS, Map.of("command", "cmd")));
    }

    @Test
    void closest_whenTied_prefersTheEarlierKnownKey() {
        assertEquals(Optional.of("stop_a"), Hints.closest("stop_c", List.of("stop_a", "stop_b"), Map.of()));
    }

    @Test
    void distance_countsInsertionsDeletionsAndSubstitutions() {
        assertEquals(3, Hints.distance("kitten", "sitting"));
        assertEquals(0, Hints.distance("", ""));
        assertEquals(4, Hints.distance("", "four"));
    }
}
