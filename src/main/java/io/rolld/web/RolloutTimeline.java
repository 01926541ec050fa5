package io.rolld.web;

import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutResult;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The status page's list of a group's recent rollouts, newest first: one row each, with a bar
 * whose segments are its phases (scaled to the longest rollout shown) and the same durations in
 * words for terminal browsers; a rolled-back one shows its reason and detail.
 */
final class RolloutTimeline {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private RolloutTimeline() {
    }

    static void render(StringBuilder out, List<RolloutRecord> rollouts, Instant now) {
        if (rollouts.isEmpty()) {
            out.append("<p class=\"muted\">no rollout yet</p>\n");
            return;
        }
        long longest = Math.max(1, rollouts.stream().mapToLong(r -> elapsedMs(r, now)).max().orElse(1));
        out.append("<ol class=\"timeline\">\n");
        for (RolloutRecord r : rollouts) {
            long elapsed = elapsedMs(r, now);
            out.append("<li class=\"rollout ").append(r.outcome()).append("\" data-generation=\"").append(r.generation())
                    .append("\"><div class=\"line\"><b>gen ").append(r.generation()).append("</b> <span class=\"badge ")
                    .append(r.outcome()).append("\">").append(r.outcome().replace('_', ' ')).append("</span> ")
                    .append(Html.escape(r.trigger())).append(" · ").append(TIME.format(r.startedAt())).append(" · ")
                    .append(Html.duration(elapsed)).append("</div>\n<div class=\"bar\" style=\"width:")
                    .append(String.format(Locale.ROOT, "%.1f", Math.max(2.0, 100.0 * elapsed / longest))).append("%\">");
            for (PhaseTime p : phases(r, now)) {
                out.append("<span class=\"ph ").append(p.phase().name().toLowerCase(Locale.ROOT)).append("\" style=\"flex-grow:")
                        .append(Math.max(1, p.durationMs())).append("\" title=\"").append(p.phase()).append(' ')
                        .append(Html.duration(p.durationMs())).append("\"></span>");
            }
            out.append("</div>\n<div class=\"phases\">");
            List<PhaseTime> phases = phases(r, now);
            for (int i = 0; i < phases.size(); i++) {
                out.append(i == 0 ? "" : " · ").append(phases.get(i).phase()).append(' ').append(Html.duration(phases.get(i).durationMs()));
            }
            out.append("</div>\n");
            if (r.result().orElse(null) instanceof RolloutResult.Failed f) {
                out.append("<div class=\"failure\">failed in ").append(f.failedIn()).append(": ").append(Html.escape(f.reason()))
                        .append("</div>\n");
                if (!f.detail().isBlank()) {
                    out.append("<pre>").append(Html.escape(f.detail())).append("</pre>\n");
                }
            }
            out.append("</li>\n");
        }
        out.append("</ol>\n");
    }

    /** The phases left, plus the current one up to now while the rollout runs. */
    private static List<PhaseTime> phases(RolloutRecord r, Instant now) {
        if (r.current().isEmpty()) {
            return r.phases();
        }
        Phase phase = r.current().get().phase();
        long start = r.current().get().elapsedMs();
        return java.util.stream.Stream.concat(r.phases().stream(),
                java.util.stream.Stream.of(new PhaseTime(phase, start, Math.max(0, elapsedMs(r, now) - start)))).toList();
    }

    private static long elapsedMs(RolloutRecord r, Instant now) {
        return r.result().map(RolloutResult::elapsedMs)
                .orElseGet(() -> Math.max(0, now.toEpochMilli() - r.startedAt().toEpochMilli()));
    }
}
