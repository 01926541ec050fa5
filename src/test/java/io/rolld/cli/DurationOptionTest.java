package io.rolld.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationOptionTest {
    @Test
    void parse_keepsTheTextTheUserWrote() {
        DurationOption option = DurationOption.parse("90s");
        assertEquals(Duration.ofSeconds(90), option.value());
        assertEquals("90s", option.toString());
    }

    @Test
    void parse_whenTheUnitIsUnknown_isAUsageErrorNamingTheUnits() {
        var e = assertThrows(CommandLine.TypeConversionException.class, () -> DurationOption.parse("5x"));
        assertTrue(e.getMessage().contains("units: ms, s, m, h"), e.getMessage());
    }
}
