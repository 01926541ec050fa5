package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms, 500", "30s, 30000", "5m, 300000", "1h, 3600000", "0s, 0", "' 2s ', 2000"})
    void parse_whenNumberAndUnit_returnsDuration(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @Test
    void parse_whenBareNumber_namesTheAcceptedUnits() {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("10"));
        assertEquals("a bare number has no unit; write e.g. 10s (units: ms, s, m, h)", e.getMessage());
    }

    @Test
    void parse_whenNegative_refuses() {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1s"));
        assertEquals("a duration cannot be negative", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "1m30s", "1.5s", "s", "", "10 s", "5M"})
    void parse_whenNotNumberAndUnit_refusesWithExample(String text) {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().startsWith("expected a whole number followed by a unit"), e.getMessage());
    }

    @Test
    void parse_whenOverflowing_saysTooLarge() {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999999999h"));
        assertEquals("duration is too large", e.getMessage());
    }
}
