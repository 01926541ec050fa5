package io.rolld.daemon;

import io.rolld.os.ProcNetTcp;
import io.rolld.os.ResidentMemory;
import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One picture of every group as plain maps and lists, ready for JSON: the answer to
 * {@code rolld status} and the content of the state file (docs/operation.md lists the fields).
 */
final class StatusReport {
    private final ProcNetTcp tcp;
    private final ResidentMemory memory;
    private final Instant started;
    private final GenerationHistory history;

    private volatile boolean ready;

    StatusReport(ProcNetTcp tcp, ResidentMemory memory, Instant started, GenerationHistory history) {
        this.tcp = tcp;
        this.memory = memory;
        this.started = started;
        this.history = history;
    }

    /** Every group's first start (or adoption) is done: a re-exec client waits for this. */
    void ready() {
        ready = true;
    }

    Map<String, Object> of(List<GroupStatus> groups) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("pid", ProcessHandle.current().pid());
        report.put("time", Instant.now().toString());
        Map<String, Object> daemon = new LinkedHashMap<>();
        daemon.put("pid", ProcessHandle.current().pid());
        daemon.put("version", BuildVersion.current());
        daemon.put("started", started.toString());
        daemon.put("ready", ready);
        daemon.put("adopted", groups.stream().mapToInt(g -> g.adoption().map(GroupStatus.Adoption::adopted).orElse(0)).sum());
        report.put("daemon", daemon);
        report.put("groups", groups.stream().map(this::group).toList());
        return report;
    }

    private Map<String, Object> group(GroupStatus g) {
        Instant now = Instant.now();
        Map<Integer, Integer> connections = tcp.established(new HashSet<>(g.ports()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", g.name());
        out.put("state", g.state().label());
        if (g.health() instanceof Health.Degraded d) {
            out.put("degraded_reasons", d.reasons());
        }
        out.put("phase", g.phase().name());
        out.put("generation", g.generation());
        history.succeeded(g.name(), g.generation()).ifPresent(r -> {
            r.release().ifPresent(ran -> out.put("release", ran.directory().toString()));
            r.gapMs().ifPresent(ms -> out.put("gap_ms", ms)); // strategy: recreate
        });
        out.put("ports", g.ports());
        out.put("workers", g.workers().stream().map(w -> {
            Map<String, Object> worker = new LinkedHashMap<>();
            worker.put("port", w.port());
            worker.put("pid", w.pid());
            worker.put("alive", w.alive());
            worker.put("started_at", w.startedAt().toString());
            worker.put("uptime_s", Duration.between(w.startedAt(), now).toSeconds());
            memory.bytes(w.pid()).ifPresent(rss -> worker.put("rss_bytes", rss));
            worker.put("connections", connections.getOrDefault(w.port(), 0));
            g.failing().stream().filter(f -> f.pid() == w.pid()).findFirst().ifPresent(f -> {
                worker.put("liveness_failures", f.failures());
                worker.put("liveness_last", f.last());
            });
            g.children().ifPresent(c -> worker.put("children", c.readings().stream().filter(r -> r.workerPid() == w.pid()).map(r -> {
                Map<String, Object> child = new LinkedHashMap<>();
                child.put("pid", r.pid());
                child.put("metric", r.metric());
                child.put("bytes", r.bytes());
                child.put("limit", r.limit());
                return child;
            }).toList()));
            return worker;
        }).toList());
        g.children().ifPresent(c -> {
            out.put("children_signalled", c.signalled());
            out.put("children_killed", c.killed());
        });
        g.rollout().ifPresent(t -> {
            Map<String, Object> rollout = new LinkedHashMap<>();
            rollout.put("generation", t.generation());
            rollout.put("phase", t.phase().name());
            history.running(g.name(), t.generation()).flatMap(GenerationRecord::release)
                    .ifPresent(r -> rollout.put("release", r.directory().toString()));
            rollout.put("ports", t.ports());
            rollout.put("elapsed_ms", t.elapsedMs());
            t.hold().ifPresent(h -> {
                rollout.put("step", h.step());
                rollout.put("weight", h.weight());
                rollout.put("left_ms", h.left().toMillis());
            });
            out.put("rollout", rollout);
        });
        g.adoption().ifPresent(a -> {
            Map<String, Object> adoption = new LinkedHashMap<>();
            adoption.put("adopted", a.adopted());
            adoption.put("recorded", a.recorded());
            adoption.put("generation", a.generation());
            adoption.put("at", a.at().toString());
            out.put("adoption", adoption);
        });
        g.lastResult().ifPresent(r -> out.put("last_result", EventMessages.result(r, g.finishedAt()).document()));
        return out;
    }
}
