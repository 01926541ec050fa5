package io.rolld.logs;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time a log line carries itself, for ordering lines written before {@code rolld logs} ran:
 * an ISO 8601 / RFC 3339 stamp at its start ({@code 2026-12-07T20:15:47.123Z}, Python logging's
 * {@code 2026-12-07 20:15:47,123}), or a bracketed one in its first 120 characters: the common log
 * format's {@code [07/Dec/2026:20:15:47 +0000]} (nginx, gunicorn) or Python http.server's
 * {@code [07/Dec/2026 20:15:47]}. A stamp without a zone is local time.
 */
public final class LineTime {
    private static final Pattern ISO = Pattern.compile(
            "^\\[?(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2})(?:[.,](\\d{1,9}))? ?(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern BRACKETED = Pattern.compile(
            "\\[(\\d{2}/[A-Z][a-z]{2}/\\d{4})[: ](\\d{2}:\\d{2}:\\d{2})(?: ([+-]\\d{4}))?]");
    private static final DateTimeFormatter DAY_MONTH_YEAR = DateTimeFormatter.ofPattern("dd/MMM/yyyy", Locale.ROOT);
    private static final int SEARCHED = 120;

    private LineTime() {
    }

    public static Optional<Instant> of(String line, ZoneId local) {
        try {
            Matcher iso = ISO.matcher(line);
            if (iso.find()) {
                String fraction = iso.group(3) == null ? "" : "." + iso.group(3);
                LocalDateTime t = LocalDateTime.parse(iso.group(1) + "T" + iso.group(2) + fraction);
                return Optional.of(zone(iso.group(4)).map(t::toInstant).orElseGet(() -> t.atZone(local).toInstant()));
            }
            Matcher bracketed = BRACKETED.matcher(line.substring(0, Math.min(line.length(), SEARCHED)));
            if (bracketed.find()) {
                LocalDateTime t = LocalDate.parse(bracketed.group(1), DAY_MONTH_YEAR)
                        .atTime(LocalTime.parse(bracketed.group(2)));
                return Optional.of(zone(bracketed.group(3)).map(t::toInstant).orElseGet(() -> t.atZone(local).toInstant()));
            }
        } catch (DateTimeParseException e) {
            // looked like a stamp but is not a valid date: the line has no time of its own
        }
        return Optional.empty();
    }

    private static Optional<ZoneOffset> zone(String text) {
        if (text == null) {
            return Optional.empty();
        }
        if (text.equals("Z")) {
            return Optional.of(ZoneOffset.UTC);
        }
        String colon = text.length() == 5 ? text.substring(0, 3) + ":" + text.substring(3) : text;
        return Optional.of(ZoneOffset.of(colon));
    }
}
