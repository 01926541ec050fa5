package io.rolld.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The table of {@code rolld history}: one line per rollout, the reason of a rollback on the next line. */
final class HistoryText {
    private static final String[] HEADER = {"GROUP", "GEN", "STARTED", "RESULT", "DURATION", "TRIGGER", "RELEASE"};

    private HistoryText() {
    }

    static String render(List<?> records) {
        if (records.isEmpty()) {
            return "no rollout recorded yet";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        List<String> reasons = new ArrayList<>();
        for (Object o : records) {
            Map<?, ?> r = (Map<?, ?>) o;
            rows.add(new String[] {String.valueOf(r.get("group")), String.valueOf(r.get("generation")), String.valueOf(r.get("started")),
                    String.valueOf(r.get("result")), duration(r.get("duration_ms")) + (r.get("gap_ms") instanceof Number g ? " (gap " + g + " ms)" : ""),
                    String.valueOf(r.get("trigger")),
                    r.get("release") == null ? "-" : String.valueOf(r.get("release"))});
            reasons.add(r.get("reason") == null ? "" : (r.get("failed_in") == null ? "" : "in " + r.get("failed_in") + ": ") + r.get("reason"));
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < rows.size(); n++) {
            String[] row = rows.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i + 1 < row.length ? String.format("%-" + widths[i] + "s  ", row[i]) : row[i]);
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (n > 0 && !reasons.get(n - 1).isEmpty()) {
                out.append("    ").append(reasons.get(n - 1)).append('\n');
            }
        }
        return out.toString().stripTrailing();
    }

    private static String duration(Object ms) {
        return ms instanceof Number n ? String.format(java.util.Locale.ROOT, "%.1fs", n.longValue() / 1000.0) : "-";
    }
}
