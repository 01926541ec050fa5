package io.rolld.daemon;

import io.rolld.rollout.Health;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every rollout event as exactly one log line (a failure's detail follows, indented). */
final class EventLog implements Consumer<RolloutEvent> {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");

    @Override
    public void accept(RolloutEvent event) {
        switch (event) {
            case RolloutEvent.Started s -> LOG.info("{}", Logfmt.event("rollout_started").kv("group", s.group())
                    .kv("generation", s.generation()).kv("trigger", s.trigger()));
            case RolloutEvent.Transition t -> LOG.info("{}", Logfmt.event("transition").kv("group", t.group())
                    .kv("generation", t.generation()).kv("state", t.phase()).kv("ports", t.ports())
                    .kv("elapsed_ms", t.elapsedMs()).kv("own_ms", t.ownMs()));
            case RolloutEvent.StepStarted s -> LOG.info("{}", Logfmt.event("rollout_step").kv("group", s.group())
                    .kv("generation", s.generation()).kv("step", s.step()).kv("weight", s.weight()).kv("ports", s.ports())
                    .kv("duration_ms", s.durationMs()).kv("action", s.weight() < 100
                            ? "the new set takes " + s.weight() + "% of the weight; the old set serves the rest"
                            : "the new set serves; the old set stays running until the bake ends"));
            case RolloutEvent.DrainTimedOut d -> LOG.warn("{}", Logfmt.event("drain_timeout").kv("group", d.group())
                    .kv("generation", d.generation())
                    .kv("connections", d.connectionsByPort().values().stream().mapToInt(Integer::intValue).sum())
                    .kv("by_port", d.connectionsByPort().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                            .collect(Collectors.joining(",")))
                    .kv("elapsed_ms", d.elapsedMs()).kv("action", "stopping the old workers anyway"));
            case RolloutEvent.WorkerStarted w -> LOG.info("{}", Logfmt.event("worker_started").kv("group", w.group())
                    .kv("generation", w.generation()).kv("port", w.port()).kv("pid", w.pid()));
            case RolloutEvent.WorkerAdopted a -> LOG.info("{}", Logfmt.event("worker_adopted").kv("group", a.group())
                    .kv("generation", a.generation()).kv("slot", a.slot()).kv("port", a.port()).kv("pid", a.pid())
                    .kv("verified", a.verified()));
            case RolloutEvent.WorkerRefused r -> LOG.warn("{}", Logfmt.event("worker_refused").kv("group", r.group())
                    .kv("generation", r.generation()).kv("slot", r.slot()).kv("port", r.port()).kv("pid", r.pid())
                    .kv("reason", r.reason()).kv("action", r.action()));
            case RolloutEvent.GroupAdopted a -> LOG.info("{}", Logfmt.event("group_adopted").kv("group", a.group())
                    .kv("generation", a.generation()).kv("adopted", a.adopted()).kv("recorded", a.recorded())
                    .kv("pids", a.pids()).kv("summary", "adopted " + a.adopted() + " of " + a.recorded()
                            + " workers, generation " + a.generation()).kv("action", a.action()));
            case RolloutEvent.WorkerStopped w -> LOG.info("{}", Logfmt.event("worker_stopped").kv("group", w.group())
                    .kv("generation", w.generation()).kv("port", w.port()).kv("pid", w.pid()).kv("exit", w.exit()));
            case RolloutEvent.Finished f -> finished(f.result());
            case RolloutEvent.WorkerCrashed c -> LOG.warn("{}", Logfmt.event("worker_crashed").kv("group", c.group())
                    .kv("generation", c.generation()).kv("port", c.port()).kv("pid", c.pid()).kv("exit", c.exit())
                    .kv("uptime_ms", c.uptimeMs()).kv("crashes_in_a_row", c.crashesInARow())
                    .kv("action", "respawning on the same port in " + c.respawnInMs() + "ms").detail(c.stderrTail()));
            case RolloutEvent.WorkerRespawned r -> LOG.info("{}", Logfmt.event("worker_respawned").kv("group", r.group())
                    .kv("generation", r.generation()).kv("port", r.port()).kv("pid", r.pid())
                    .kv("crashes_in_a_row", r.crashesInARow()));
            case RolloutEvent.RespawnFailed r -> LOG.error("{}", Logfmt.event("respawn_failed").kv("group", r.group())
                    .kv("generation", r.generation()).kv("port", r.port()).kv("reason", r.reason())
                    .kv("crashes_in_a_row", r.crashesInARow()).kv("action", "retrying in " + r.retryInMs() + "ms"));
            case RolloutEvent.WorkerReplaced r -> LOG.info("{}", Logfmt.event("worker_replaced").kv("group", r.group())
                    .kv("generation", r.generation()).kv("worker", r.worker()).kv("old_pid", r.oldPid())
                    .kv("pid", r.newPid()).kv("elapsed_ms", r.elapsedMs()));
            case RolloutEvent.ReplacementFailed f -> LOG.warn("{}", Logfmt.event("replacement_failed").kv("group", f.group())
                    .kv("generation", f.generation()).kv("worker", f.worker()).kv("pid", f.oldPid()).kv("reason", f.reason())
                    .kv("elapsed_ms", f.elapsedMs()).kv("action", "the old worker keeps running").detail(f.detail()));
            case RolloutEvent.MemoryExceeded m -> LOG.warn("{}", Logfmt.event("memory_exceeded").kv("group", m.group())
                    .kv("generation", m.generation()).kv("port", m.port()).kv("pid", m.pid())
                    .kv("metric", m.usage().metric().label()).kv("bytes", m.usage().bytes()).kv("rss_bytes", m.usage().rssBytes())
                    .kv("limit", m.limit()).kv("action", m.action().label()).kv("reason", m.reason()));
            case RolloutEvent.HealthChanged h -> health(h);
            case RolloutEvent.EventCommandFailed f -> LOG.warn("{}", Logfmt.event("on_event_failed").kv("group", f.group())
                    .kv("event", f.event()).kv("problem", f.problem()));
        }
    }

    private static void health(RolloutEvent.HealthChanged h) {
        switch (h.health()) {
            case Health.Healthy _ -> LOG.info("{}", Logfmt.event("group_healthy").kv("group", h.group()));
            case Health.Degraded d -> LOG.warn("{}", Logfmt.event("group_degraded").kv("group", h.group())
                    .kv("reasons", String.join("; ", d.reasons())));
        }
    }


    private static void finished(RolloutResult result) {
        switch (result) {
            case RolloutResult.Succeeded s -> LOG.info("{}", Logfmt.event("rollout_succeeded").kv("group", s.group())
                    .kv("generation", s.generation()).kv("ports", s.ports()).kv("pids", s.pids())
                    .kv("old_pids", s.oldPids()).kv("elapsed_ms", s.elapsedMs()));
            case RolloutResult.Failed f -> LOG.warn("{}", Logfmt.event("rollout_failed").kv("group", f.group())
                    .kv("generation", f.generation()).kv("state", f.failedIn()).kv("reason", f.reason())
                    .kv("elapsed_ms", f.elapsedMs()).kv("action", "old workers keep serving").detail(f.detail()));
        }
    }
}
