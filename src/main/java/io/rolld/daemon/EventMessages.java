package io.rolld.daemon;

import io.rolld.rollout.Health;
import io.rolld.rollout.RolloutEvent;
import java.time.Instant;

/** Rollout events as control-protocol messages, for clients of {@code restart --wait}. */
final class EventMessages {
    private EventMessages() {
    }

    static ControlProtocol.Message of(RolloutEvent event) {
        return switch (event) {
            case RolloutEvent.Started s -> ControlProtocol.message("started").with("group", s.group())
                    .with("generation", s.generation()).with("trigger", s.trigger());
            case RolloutEvent.Transition t -> ControlProtocol.message("transition").with("group", t.group())
                    .with("generation", t.generation()).with("state", t.phase().name()).with("ports", t.ports())
                    .with("elapsed_ms", t.elapsedMs()).with("own_ms", t.ownMs());
            case RolloutEvent.StepStarted s -> ControlProtocol.message("step").with("group", s.group())
                    .with("generation", s.generation()).with("step", s.step()).with("weight", s.weight())
                    .with("ports", s.ports()).with("duration_ms", s.durationMs());
            case RolloutEvent.DrainTimedOut d -> ControlProtocol.message("drain_timeout").with("group", d.group())
                    .with("generation", d.generation()).with("connections", d.connectionsByPort().values().stream()
                            .mapToInt(Integer::intValue).sum()).with("elapsed_ms", d.elapsedMs());
            case RolloutEvent.WorkerStarted w -> ControlProtocol.message("worker_started").with("group", w.group())
                    .with("generation", w.generation()).with("port", w.port()).with("pid", w.pid());
            case RolloutEvent.WorkerAdopted a -> ControlProtocol.message("worker_adopted").with("group", a.group())
                    .with("generation", a.generation()).with("port", a.port()).with("pid", a.pid());
            case RolloutEvent.WorkerRefused r -> ControlProtocol.message("worker_refused").with("group", r.group())
                    .with("generation", r.generation()).with("port", r.port()).with("pid", r.pid()).with("reason", r.reason());
            case RolloutEvent.GroupAdopted a -> ControlProtocol.message("group_adopted").with("group", a.group())
                    .with("generation", a.generation()).with("adopted", a.adopted()).with("recorded", a.recorded());
            case RolloutEvent.WorkerStopped w -> ControlProtocol.message("worker_stopped").with("group", w.group())
                    .with("generation", w.generation()).with("port", w.port()).with("pid", w.pid())
                    .with("exit", String.valueOf(w.exit()));
            case RolloutEvent.WorkerCrashed c -> ControlProtocol.message("worker_crashed").with("group", c.group())
                    .with("generation", c.generation()).with("port", c.port()).with("pid", c.pid())
                    .with("exit", String.valueOf(c.exit())).with("crashes_in_a_row", c.crashesInARow())
                    .with("respawn_in_ms", c.respawnInMs());
            case RolloutEvent.WorkerRespawned r -> ControlProtocol.message("worker_respawned").with("group", r.group())
                    .with("generation", r.generation()).with("port", r.port()).with("pid", r.pid());
            case RolloutEvent.RespawnFailed r -> ControlProtocol.message("respawn_failed").with("group", r.group())
                    .with("generation", r.generation()).with("port", r.port()).with("reason", r.reason());
            case RolloutEvent.WorkerReplaced r -> ControlProtocol.message("worker_replaced").with("group", r.group())
                    .with("generation", r.generation()).with("worker", r.worker()).with("old_pid", r.oldPid())
                    .with("pid", r.newPid());
            case RolloutEvent.ReplacementFailed f -> ControlProtocol.message("replacement_failed").with("group", f.group())
                    .with("generation", f.generation()).with("worker", f.worker()).with("pid", f.oldPid())
                    .with("reason", f.reason());
            case RolloutEvent.MemoryExceeded m -> ControlProtocol.message("memory_exceeded").with("group", m.group())
                    .with("generation", m.generation()).with("port", m.port()).with("pid", m.pid())
                    .with("bytes", m.usage().bytes()).with("limit", m.limit()).with("action", m.action().label())
                    .with("reason", m.reason());
            case RolloutEvent.HealthChanged h -> ControlProtocol.message("health").with("group", h.group())
                    .with("reasons", h.health() instanceof Health.Degraded d ? d.reasons() : java.util.List.of());
            case RolloutEvent.EventCommandFailed f -> ControlProtocol.message("on_event_failed").with("group", f.group())
                    .with("event", f.event()).with("problem", f.problem());
            case RolloutEvent.Finished f -> {
                ControlProtocol.Message m = ControlProtocol.message("result");
                StatusReport.result(f.result(), Instant.now()).forEach(m::with);
                yield m;
            }
        };
    }
}
