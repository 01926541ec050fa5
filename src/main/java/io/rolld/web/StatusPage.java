package io.rolld.web;

import io.rolld.os.ProcNetTcp;
import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code /}: one server-rendered page, no script and no external asset, that reloads itself every
 * {@value #REFRESH_S} seconds. Plain tables and lists, so a terminal browser shows it too; a narrow
 * screen stacks it.
 */
final class StatusPage {
    static final int REFRESH_S = 2;
    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;padding:8px;max-width:960px;color:#222;background:#fafafa}
            h1{font-size:18px;margin:4px 0}h2{font-size:16px;margin:0 0 4px}h3{font-size:14px;margin:10px 0 4px}
            section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 10px;margin:10px 0}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:2px 6px;border-bottom:1px solid #eee;white-space:nowrap}
            .wrap{overflow-x:auto}.muted{color:#777}.badge{padding:0 6px;border-radius:8px;background:#eee}
            .serving,.succeeded{background:#d6f5d6}.degraded,.rolled_back{background:#f8d0d0}.starting,.running{background:#fdf0c0}
            .timeline{list-style:none;padding:0;margin:0}.rollout{margin:6px 0;background:none}
            .bar{display:flex;height:10px;min-width:4px;border-radius:3px;overflow:hidden;background:#eee}
            .ph.starting{background:#7aa6e0}.ph.checking{background:#e0c060}.ph.switching{background:#a070d0}
            .ph.draining{background:#60b0a0}.ph.stopping{background:#909090}.ph.rolling_back{background:#d06060}
            .phases{font-size:12px;color:#555}.failure{color:#a00}
            pre{background:#f4f4f4;padding:4px;overflow-x:auto;max-height:12em;margin:2px 0;font-size:12px;white-space:pre-wrap}
            svg.spark{vertical-align:middle;color:#3a70b0}
            @media (max-width:600px){body{font-size:13px}th,td{padding:2px 3px}}
            """;

    private final DaemonView daemon;
    private final RolloutHistory history;
    private final MemorySamples memory;
    private final ProcNetTcp tcp;
    private final String version;
    private final Clock clock;

    StatusPage(DaemonView daemon, RolloutHistory history, MemorySamples memory, ProcNetTcp tcp, String version, Clock clock) {
        this.daemon = daemon;
        this.history = history;
        this.memory = memory;
        this.tcp = tcp;
        this.version = version;
        this.clock = clock;
    }

    String render() {
        Instant now = clock.instant();
        List<GroupStatus> groups = daemon.groups();
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_S).append("\">\n")
                .append("<title>rolld: ").append(groups.size()).append(groups.size() == 1 ? " group" : " groups").append("</title>\n")
                .append("<style>").append(STYLE).append("</style></head><body>\n")
                .append("<h1>rolld</h1>\n<p class=\"muted\">version ").append(Html.escape(version)).append(" · pid ")
                .append(ProcessHandle.current().pid()).append(" · ").append(now).append(" · <a href=\"/metrics\">metrics</a> · ")
                .append("<a href=\"/api/status\">status JSON</a></p>\n");
        for (GroupStatus g : groups) {
            group(out, g, history.of(g.name()), now);
        }
        return out.append("</body></html>\n").toString();
    }

    private void group(StringBuilder out, GroupStatus g, GroupHistory h, Instant now) {
        String state = g.state().label();
        out.append("<section class=\"group\" id=\"group-").append(Html.escape(g.name())).append("\">\n<h2>")
                .append(Html.escape(g.name())).append(" <span class=\"badge state ").append(state).append("\">").append(state)
                .append("</span></h2>\n<p>phase <b class=\"phase\">").append(g.phase()).append("</b> · generation <b class=\"generation\">")
                .append(g.generation()).append("</b>");
        daemon.release(g.name(), g.generation()).ifPresent(r -> out.append(" · release <code class=\"release\">").append(Html.escape(r))
                .append("</code>"));
        g.rollout().ifPresent(t -> out.append(" · rolling out generation ").append(t.generation())
                .append(", in ").append(t.phase()).append(" on ").append(t.ports()));
        g.rollout().flatMap(GroupStatus.Running::hold).ifPresent(hold -> out.append(" · <span class=\"step\">").append(Html.escape(hold.step())).append(": new set at ")
                .append(hold.weight()).append("%, ").append(Html.duration(hold.left().toMillis())).append(" left</span>"));
        out.append("</p>\n");
        if (g.health() instanceof Health.Degraded d) {
            out.append("<ul class=\"failure\">");
            d.reasons().forEach(reason -> out.append("<li>").append(Html.escape(reason)).append("</li>"));
            out.append("</ul>\n");
        }
        workers(out, g, now);
        out.append("<h3>Last rollouts</h3>\n");
        List<RolloutRecord> rollouts = new java.util.ArrayList<>(h.recent());
        h.running().ifPresent(r -> rollouts.addFirst(r));
        RolloutTimeline.render(out, rollouts.subList(0, Math.min(rollouts.size(), GroupHistory.KEPT)), now);
        if (!h.crashes().isEmpty()) {
            out.append("<h3>Recent crashes</h3>\n<ul class=\"crashes\">\n");
            for (GroupHistory.Crash c : h.crashes()) {
                out.append("<li class=\"failure\">").append(c.at()).append(": slot ").append(c.port()).append(" pid ").append(c.pid())
                        .append(' ').append(Html.escape(c.exit())).append(" after ").append(Html.duration(c.uptimeMs())).append("</li>\n");
                if (!c.stderrTail().isBlank()) {
                    out.append("<pre>").append(Html.escape(c.stderrTail())).append("</pre>\n");
                }
            }
            out.append("</ul>\n");
        }
        out.append("</section>\n");
    }

    private void workers(StringBuilder out, GroupStatus g, Instant now) {
        if (g.workers().isEmpty()) {
            out.append("<p class=\"muted\">no worker running</p>\n");
            return;
        }
        Map<Integer, Integer> connections = tcp.established(new HashSet<>(g.ports()));
        out.append("<div class=\"wrap\"><table class=\"workers\"><tr><th>slot</th><th>pid</th><th>uptime</th><th>memory</th>")
                .append("<th>connections</th></tr>\n");
        for (GroupStatus.WorkerInfo w : g.workers()) {
            OptionalLong rss = memory.read(w.pid());
            out.append("<tr class=\"worker").append(w.alive() ? "" : " down").append("\" data-pid=\"").append(w.pid()).append("\"><td>")
                    .append(w.port()).append("</td><td>").append(w.pid()).append(w.alive() ? "" : " (down)")
                    .append(g.failing().stream().filter(f -> f.pid() == w.pid()).findFirst()
                            .map(f -> " <span class=\"failure\" title=\"" + Html.escape(f.last()) + "\">" + f.failures() + " failed checks</span>")
                            .orElse("")).append("</td><td>")
                    .append(Html.duration(Math.max(0, Duration.between(w.startedAt(), now).toMillis()))).append("</td><td>")
                    .append(rss.isPresent() ? Html.megabytes(rss.getAsLong()) : "-").append(' ')
                    .append(Html.sparkline(memory.series(w.pid()), "memory of pid " + w.pid())).append("</td><td>")
                    .append(connections.getOrDefault(w.port(), 0)).append("</td></tr>\n");
        }
        out.append("</table></div>\n");
        g.children().ifPresent(c -> children(out, c));
    }

    /** With memory per child: each child against its own limit, and how many were signalled. */
    private static void children(StringBuilder out, GroupStatus.Children c) {
        out.append("<p class=\"children\">children: ");
        for (GroupStatus.Child child : c.readings()) {
            out.append("pid ").append(child.pid()).append(" (of ").append(child.workerPid()).append(") ")
                    .append(Html.megabytes(child.bytes())).append(' ').append(Html.escape(child.metric())).append(" of ")
                    .append(Html.megabytes(child.limit())).append(" · ");
        }
        out.append(c.signalled()).append(" signalled for memory, ").append(c.killed()).append(" killed</p>\n");
    }
}
