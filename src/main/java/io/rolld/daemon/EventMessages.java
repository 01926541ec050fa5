package io.rolld.daemon;

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
                    .with("elapsed_ms", t.elapsedMs());
            case RolloutEvent.DrainTimedOut d -> ControlProtocol.message("drain_timeout").with("group", d.group())
                    .with("generation", d.generation()).with("connections", d.connectionsByPort().values().stream()
                            .mapToInt(Integer::intValue).sum()).with("elapsed_ms", d.elapsedMs());
            case RolloutEvent.WorkerStarted w -> ControlProtocol.message("worker_started").with("group", w.group())
                    .with("generation", w.generation()).with("port", w.port()).with("pid", w.pid());
            case RolloutEvent.WorkerStopped w -> ControlProtocol.message("worker_stopped").with("group", w.group())
                    .with("generation", w.generation()).with("port", w.port()).with("pid", w.pid())
                    .with("exit", String.valueOf(w.exit()));
            case RolloutEvent.Finished f -> {
                ControlProtocol.Message m = ControlProtocol.message("result");
                StatusReport.result(f.result(), Instant.now()).forEach(m::with);
                yield m;
            }
        };
    }
}
