package io.rolld.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as a whole number and one unit: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}. A bare number is refused because its unit would be a guess (seconds for systemd,
 * milliseconds elsewhere). Combinations such as {@code 1m30s} are not supported.
 */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)");
    static final String UNITS = "ms, s, m, h";

    private Durations() {
    }

    /** @throws IllegalArgumentException saying what is wrong and which units are accepted */
    public static Duration parse(String text) {
        String s = text.strip();
        Matcher m = FORMAT.matcher(s);
        if (!m.matches()) {
            if (s.startsWith("-")) {
                throw new IllegalArgumentException("a duration cannot be negative");
            }
            if (s.matches("\\d+")) {
                throw new IllegalArgumentException("a bare number has no unit; write e.g. " + s + "s (units: " + UNITS + ")");
            }
            throw new IllegalArgumentException("expected a whole number followed by a unit, e.g. 500ms, 30s, 5m, 1h (units: " + UNITS + ")");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration is too large", e);
        }
    }
}
