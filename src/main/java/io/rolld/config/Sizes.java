package io.rolld.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes in bytes, following the usual operations convention:
 * <ul>
 *   <li>{@code KB}, {@code MB}, {@code GB}, {@code TB} are powers of 1000 (SI), as {@code df -H} and disk vendors use;</li>
 *   <li>{@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} are powers of 1024 (IEC);</li>
 *   <li>{@code K}, {@code M}, {@code G} (or {@code k}, {@code m}, {@code g}) are powers of 1024, as in nginx and the JVM's {@code -Xmx};</li>
 *   <li>{@code B} is bytes.</li>
 * </ul>
 * A bare number is refused, like in {@link Durations}: the reader should not have to guess the unit.
 * Space between number and unit is allowed ({@code 256 MB}); fractions are not.
 */
public final class Sizes {
    private static final Pattern FORMAT = Pattern.compile("(\\d+) ?([A-Za-z]+)");
    static final String UNITS = "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB, K, M, G";

    private Sizes() {
    }

    /** @throws IllegalArgumentException saying what is wrong and which units are accepted */
    public static long parse(String text) {
        String s = text.strip();
        Matcher m = FORMAT.matcher(s);
        if (!m.matches()) {
            if (s.matches("-?\\d+")) {
                throw new IllegalArgumentException("a bare number has no unit; write e.g. " + s + "MB (units: " + UNITS + ")");
            }
            throw new IllegalArgumentException("expected a whole number followed by a unit, e.g. 256MB, 1GiB (units: " + UNITS + ")");
        }
        long multiplier = multiplier(m.group(2));
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("size is too large", e);
        }
    }

    private static long multiplier(String unit) {
        return switch (unit) {
            case "B" -> 1L;
            case "KB" -> 1000L;
            case "MB" -> 1000L * 1000;
            case "GB" -> 1000L * 1000 * 1000;
            case "TB" -> 1000L * 1000 * 1000 * 1000;
            case "KiB", "K", "k" -> 1L << 10;
            case "MiB", "M", "m" -> 1L << 20;
            case "GiB", "G", "g" -> 1L << 30;
            case "TiB" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown unit '" + unit + "' (units: " + UNITS + ")");
        };
    }
}
