package io.rolld.web;

import io.rolld.os.ProcNetTcp;
import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code /metrics}: every family rolld exposes, rendered from the groups' snapshots, the rollout
 * history and fresh readings of memory and connections. Names follow Prometheus' naming guide:
 * a {@code rolld_} prefix, base units (seconds, bytes), {@code _total} on counters.
 */
final class Metrics {
    static final List<String> RESULTS = List.of("succeeded", "rolled_back");
    static final List<String> RESTART_REASONS = List.of(Tally.CRASH, Tally.MEMORY, Tally.LIVENESS, Tally.AUTO_RESTART);

    private final DaemonView daemon;
    private final RolloutHistory history;
    private final MemorySamples memory;
    private final ProcNetTcp tcp;
    private final String version;

    Metrics(DaemonView daemon, RolloutHistory history, MemorySamples memory, ProcNetTcp tcp, String version) {
        this.daemon = daemon;
        this.history = history;
        this.memory = memory;
        this.tcp = tcp;
        this.version = version;
    }

    String render() {
        List<GroupStatus> groups = daemon.groups();
        Map<String, GroupHistory> histories = groups.stream()
                .collect(java.util.stream.Collectors.toMap(GroupStatus::name, g -> history.of(g.name()), (a, b) -> a,
                        java.util.LinkedHashMap::new));
        PrometheusText out = new PrometheusText();
        out.family("rolld_info", PrometheusText.Type.GAUGE, "Always 1; the version of the running rolld.")
                .sample("rolld_info", 1, "version", version);
        perGroup(out, groups, "rolld_group_generation", PrometheusText.Type.GAUGE,
                "The group's generation: +1 for every successful rollout, 1 after the first start.",
                (g, o) -> o.sample("rolld_group_generation", g.generation(), "group", g.name()));
        perGroup(out, groups, "rolld_group_degraded", PrometheusText.Type.GAUGE,
                "1 while the group is degraded (a worker down or crash-looping, or over its memory limit right after start).",
                (g, o) -> o.sample("rolld_group_degraded", g.state() == GroupStatus.State.DEGRADED ? 1 : 0, "group", g.name()));
        perGroup(out, groups, "rolld_group_phase", PrometheusText.Type.GAUGE,
                "1 for the phase the group's rollout is in (IDLE between rollouts), 0 for the others.",
                (g, o) -> {
                    for (Phase p : Phase.values()) {
                        o.sample("rolld_group_phase", g.phase() == p ? 1 : 0, "group", g.name(),
                                "phase", p.name().toLowerCase(java.util.Locale.ROOT));
                    }
                });
        perGroup(out, groups, "rolld_workers", PrometheusText.Type.GAUGE,
                "Workers of the group by state: serving, starting, draining, stopping, down.",
                (g, o) -> WorkerStates.count(g)
                        .forEach((state, n) -> o.sample("rolld_workers", n, "group", g.name(), "state", state)));
        perGroup(out, groups, "rolld_worker_memory_bytes", PrometheusText.Type.GAUGE,
                "Memory of each active worker's process (metric rss: resident set size), by slot (port, or worker number with held sockets).",
                (g, o) -> g.workers().forEach(w -> memory.read(w.pid()).ifPresent(bytes -> o.sample("rolld_worker_memory_bytes",
                        bytes, "group", g.name(), "slot", Integer.toString(w.port()), "metric", "rss"))));
        perGroup(out, groups, "rolld_drain_connections", PrometheusText.Type.GAUGE,
                "Established connections the old workers still have while the group drains; 0 otherwise.",
                (g, o) -> o.sample("rolld_drain_connections", draining(histories.get(g.name())), "group", g.name()));
        perGroup(out, groups, "rolld_rollouts_total", PrometheusText.Type.COUNTER,
                "Finished rollouts by result (succeeded, rolled_back) and trigger (first_start, hup, restart, memory, auto_restart, other).",
                (g, o) -> histories.get(g.name()).tally().rollouts().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Tally.RolloutKey::result)
                                .thenComparing(Tally.RolloutKey::trigger)))
                        .forEach(e -> o.sample("rolld_rollouts_total", e.getValue(), "group", g.name(),
                                "result", e.getKey().result(), "trigger", e.getKey().trigger())));
        perGroup(out, groups, "rolld_worker_restarts_total", PrometheusText.Type.COUNTER,
                "Workers rolld restarted, by reason: crash (respawned), memory (over its limit), liveness (unresponsive), auto_restart.",
                (g, o) -> RESTART_REASONS.forEach(reason -> o.sample("rolld_worker_restarts_total",
                        histories.get(g.name()).tally().restarts().getOrDefault(reason, 0L), "group", g.name(), "reason", reason)));
        List<GroupStatus> perChild = groups.stream().filter(g -> g.children().isPresent()).toList();
        if (!perChild.isEmpty()) { // only groups with memory per child have children to count
            perGroup(out, perChild, "rolld_child_restarts_total", PrometheusText.Type.COUNTER,
                    "Children of preforking workers (memory per child) that rolld made their master replace, by reason: memory"
                            + " (over its limit, sent memory.signal).",
                    (g, o) -> o.sample("rolld_child_restarts_total", g.children().orElseThrow().signalled(), "group", g.name(),
                            "reason", Tally.MEMORY));
            perGroup(out, perChild, "rolld_child_kills_total", PrometheusText.Type.COUNTER,
                    "Children sent memory.signal that still ran stop_timeout later and got SIGKILL.",
                    (g, o) -> o.sample("rolld_child_kills_total", g.children().orElseThrow().killed(), "group", g.name()));
        }
        perGroup(out, groups, "rolld_last_rollout_timestamp_seconds", PrometheusText.Type.GAUGE,
                "When the group's last rollout of each result finished, in seconds since the Unix epoch.",
                (g, o) -> histories.get(g.name()).tally().lastByResult().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> o.sample("rolld_last_rollout_timestamp_seconds", e.getValue().toEpochMilli() / 1000.0,
                                "group", g.name(), "result", e.getKey())));
        perGroup(out, groups, "rolld_rollout_duration_seconds", PrometheusText.Type.HISTOGRAM,
                "How long finished rollouts took, from the request to the end, by result.",
                (g, o) -> RESULTS.forEach(result -> histogram(o, "rolld_rollout_duration_seconds",
                        histories.get(g.name()).tally().durations(), result, "group", g.name(), "result", result)));
        perGroup(out, groups, "rolld_rollout_phase_duration_seconds", PrometheusText.Type.HISTOGRAM,
                "How long each phase of the finished rollouts took.",
                (g, o) -> {
                    for (Phase p : Phase.values()) {
                        if (p != Phase.IDLE) {
                            histogram(o, "rolld_rollout_phase_duration_seconds", histories.get(g.name()).tally().phases(), p,
                                    "group", g.name(), "phase", p.name().toLowerCase(java.util.Locale.ROOT));
                        }
                    }
                });
        return out.toString();
    }

    private static void perGroup(PrometheusText out, List<GroupStatus> groups, String name, PrometheusText.Type type,
                                 String help, BiConsumer<GroupStatus, PrometheusText> samples) {
        out.family(name, type, help);
        groups.forEach(g -> samples.accept(g, out));
    }

    private static <K> void histogram(PrometheusText out, String name, Map<K, Histogram> byKey, K key, String... labels) {
        out.histogram(name, byKey.getOrDefault(key, Histogram.empty()), labels);
    }

    private int draining(GroupHistory h) {
        return h.running().flatMap(RolloutRecord::current).filter(t -> t.phase() == Phase.DRAINING)
                .map(RolloutEvent.Transition::ports)
                .map(ports -> tcp.established(new HashSet<>(ports)).values().stream().mapToInt(Integer::intValue).sum())
                .orElse(0);
    }

    /** The version in the jar's manifest, or {@code dev} when run from classes. */
    static String version() {
        String v = Metrics.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
