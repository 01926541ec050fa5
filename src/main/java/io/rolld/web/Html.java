package io.rolld.web;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The small pieces the status page is built of: escaping, readable sizes and durations, a sparkline. */
final class Html {
    private Html() {
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4m 05s}, {@code 3h 02m}. */
    static String duration(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        Duration d = Duration.ofMillis(ms);
        if (d.toHours() == 0) {
            return String.format(Locale.ROOT, "%dm %02ds", d.toMinutesPart(), d.toSecondsPart());
        }
        return String.format(Locale.ROOT, "%dh %02dm", d.toHours(), d.toMinutesPart());
    }

    /** An inline SVG line of {@code values} scaled to their own range; empty for fewer than two. */
    static String sparkline(List<Long> values, String label) {
        if (values.size() < 2) {
            return "";
        }
        long min = values.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
        double width = 80;
        double height = 16;
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            double x = i * width / (values.size() - 1);
            double y = max == min ? height / 2 : height - 1 - (values.get(i) - min) * (height - 2) / (max - min);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return "<svg class=\"spark\" width=\"80\" height=\"16\" viewBox=\"0 0 80 16\" role=\"img\" aria-label=\""
                + escape(label) + "\"><polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\""
                + points.toString().strip() + "\"/></svg>";
    }
}
