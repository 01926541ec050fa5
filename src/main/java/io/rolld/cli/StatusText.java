package io.rolld.cli;

import io.rolld.control.Answer;
import io.rolld.control.MalformedMessage;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The human-readable form of a status report (the JSON one is {@code rolld status --json}). */
final class StatusText {
    private StatusText() {
    }

    static String render(Map<?, ?> report) {
        StringBuilder out = new StringBuilder("rolld pid " + report.get("pid"));
        if (report.get("daemon") instanceof Map<?, ?> d) {
            out.append(", version ").append(d.get("version")).append(", started ").append(d.get("started"));
            if (d.get("adopted") instanceof Number n && n.intValue() > 0) {
                out.append(", adopted ").append(n).append(" workers a previous rolld left");
            }
        }
        for (Map<String, Object> g : StatusCommand.groups(report)) {
            out.append('\n').append(g.get("name")).append(": ").append(g.get("state"))
                    .append(", generation ").append(g.get("generation")).append(", ").append(g.get("phase"))
                    .append(", ports ").append(join(g.get("ports")));
            if (g.get("release") != null) {
                out.append(", release ").append(g.get("release"));
            }
            if (g.get("gap_ms") != null) {
                out.append(", its rollout left no worker serving for ").append(g.get("gap_ms")).append(" ms");
            }
            if (g.get("workers") instanceof List<?> workers) {
                for (Object o : workers) {
                    Map<?, ?> w = (Map<?, ?>) o;
                    // Appended, not String.format: a group may list a thousand workers, and the
                    // client's JVM is cold (the Formatter cost about 100 ms at 1,000 workers).
                    out.append("\n  pid ").append(pad(w.get("pid"), 8)).append(" port ").append(pad(w.get("port"), 6))
                            .append(" up ").append(pad(uptime(w.get("uptime_s")), 9)).append(" rss ").append(pad(size(w.get("rss_bytes")), 10))
                            .append(" connections ").append(w.get("connections")).append(Boolean.TRUE.equals(w.get("alive")) ? "" : "  (EXITED)");
                    if (w.get("liveness_failures") != null) {
                        out.append("  liveness: ").append(w.get("liveness_failures")).append(" failed in a row (")
                                .append(w.get("liveness_last")).append(')');
                    }
                    if (w.get("children") instanceof List<?> children) {
                        for (Object c : children) {
                            Map<?, ?> child = (Map<?, ?>) c;
                            out.append("\n    child pid ").append(pad(child.get("pid"), 8)).append(' ').append(child.get("metric"))
                                    .append(' ').append(size(child.get("bytes"))).append(" of its limit ").append(size(child.get("limit")));
                        }
                    }
                }
            }
            if (g.get("children_signalled") != null) {
                out.append("\n  children over their memory limit: ").append(g.get("children_signalled")).append(" signalled, ")
                        .append(g.get("children_killed")).append(" killed after ignoring it");
            }
            if (g.get("rollout") instanceof Map<?, ?> r) {
                out.append("\n  rollout in progress: generation ").append(r.get("generation")).append(' ')
                        .append(r.get("phase")).append(' ').append(join(r.get("ports")))
                        .append(" (").append(r.get("elapsed_ms")).append(" ms)");
                if (r.get("release") != null) {
                    out.append(", release ").append(r.get("release"));
                }
                if (r.get("step") != null) {
                    out.append("\n  ").append(r.get("step")).append(": new set at ").append(r.get("weight"))
                            .append("% of the weight, ").append(seconds(r.get("left_ms")))
                            .append(" left (rolld promote / rolld abort ").append(g.get("name")).append(')');
                }
            }
            if (g.get("adoption") instanceof Map<?, ?> a) {
                out.append("\n  adopted ").append(a.get("adopted")).append(" of ").append(a.get("recorded"))
                        .append(" workers a previous rolld left, generation ").append(a.get("generation"))
                        .append(" (at ").append(a.get("at")).append(')');
            }
            if (g.get("last_result") instanceof Map<?, ?> last) {
                out.append("\n  last rollout: ").append(lastResult(last));
            }
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static String lastResult(Map<?, ?> last) {
        try {
            return RolloutLines.result(Answer.Result.of((Map<String, Object>) last));
        } catch (MalformedMessage e) {
            return String.valueOf(last); // a newer daemon's shape: shown as it came
        }
    }

    static String join(Object list) {
        return list instanceof List<?> l ? l.stream().map(String::valueOf).collect(Collectors.joining(",")) : "-";
    }

    /** {@code 12.3s} from milliseconds. */
    private static String seconds(Object millis) {
        return millis instanceof Number n ? String.format(java.util.Locale.ROOT, "%.1fs", n.longValue() / 1000.0) : "-";
    }

    private static String uptime(Object seconds) {
        if (!(seconds instanceof Number n)) {
            return "-";
        }
        long s = n.longValue();
        return s >= 3600 ? s / 3600 + "h" + (s % 3600) / 60 + "m" : s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
    }

    private static String size(Object bytes) {
        if (!(bytes instanceof Number n)) {
            return "-";
        }
        long tenths = Math.round(n.longValue() * 10 / (1024.0 * 1024.0));
        return tenths / 10 + "." + tenths % 10 + "MiB";
    }

    /** {@code value} left-justified in {@code width} columns, as {@code %-Ns}. */
    private static String pad(Object value, int width) {
        String text = String.valueOf(value);
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
