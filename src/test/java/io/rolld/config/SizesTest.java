package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

    @ParameterizedTest
    @CsvSource({
        "512B, 512",
        "1KB, 1000", "256MB, 256000000", "2GB, 2000000000", "1TB, 1000000000000",
        "1KiB, 1024", "256MiB, 268435456", "1GiB, 1073741824", "1TiB, 1099511627776",
        "1K, 1024", "1k, 1024", "64M, 67108864", "64m, 67108864", "2G, 2147483648",
        "'256 MB', 256000000"})
    void parse_whenNumberAndUnit_returnsBytes(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @Test
    void parse_whenBareNumber_namesTheAcceptedUnits() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse("256"));
        assertEquals("a bare number has no unit; write e.g. 256MB (units: " + Sizes.UNITS + ")", e.getMessage());
    }

    @Test
    void parse_whenUnitUnknown_namesIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse("5Mb"));
        assertEquals("unknown unit 'Mb' (units: " + Sizes.UNITS + ")", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5GB", "-1MB", "MB", ""})
    void parse_whenNotNumberAndUnit_refuses(String text) {
        var e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
        assertTrue(e.getMessage().startsWith("expected a whole number followed by a unit"), e.getMessage());
    }

    @Test
    void parse_whenOverflowing_saysTooLarge() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse("9999999999TiB"));
        assertEquals("size is too large", e.getMessage());
    }
}
