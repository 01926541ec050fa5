package io.rolld.daemon;

import io.rolld.rollout.EventField;
import io.rolld.rollout.RolloutEvent;
import java.time.Instant;

/**
 * Rollout events as control-protocol messages, for clients of {@code restart --wait}: the event's
 * name is the message type, its fields the message's. A finished rollout is the protocol's
 * {@code result} message, shaped like a group's last result in status.
 */
final class EventMessages {
    private EventMessages() {
    }

    static ControlProtocol.Message of(RolloutEvent event) {
        if (event instanceof RolloutEvent.Finished f) {
            ControlProtocol.Message m = ControlProtocol.message("result");
            StatusReport.result(f.result(), Instant.now()).forEach(m::with);
            return m;
        }
        ControlProtocol.Message m = ControlProtocol.message(event.name()).with("group", event.group());
        for (EventField field : event.fields()) {
            m.with(field.key(), field.value());
        }
        return m;
    }
}
