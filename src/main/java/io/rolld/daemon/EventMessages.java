package io.rolld.daemon;

import io.rolld.control.Answer;
import io.rolld.rollout.EventField;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rollout events as control-protocol answers, for clients of {@code restart --wait}: the event's
 * name is the message type, its fields the message's. A finished rollout is the protocol's
 * {@code result} message, shaped like a group's last result in status.
 */
final class EventMessages {
    private EventMessages() {
    }

    static Answer of(RolloutEvent event) {
        if (event instanceof RolloutEvent.Finished f) {
            return result(f.result(), Optional.of(f.at()));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("group", event.group());
        for (EventField field : event.fields()) {
            fields.put(field.key(), field.value());
        }
        return new Answer.Event(event.name(), fields);
    }

    /** A rollout that ended just now. */
    static Answer.Result result(RolloutResult result) {
        return result(result, Optional.of(Instant.now()));
    }

    /** A rollout's outcome as sent to clients and kept in the state file ({@code last_result}). */
    static Answer.Result result(RolloutResult result, Optional<Instant> finishedAt) {
        Answer.Result.Outcome outcome = switch (result) {
            case RolloutResult.Succeeded s -> new Answer.Result.Outcome.Succeeded(s.ports(), s.pids(), s.oldPids());
            case RolloutResult.Failed f -> new Answer.Result.Outcome.RolledBack(f.failedIn().name(), f.reason(), f.detail());
        };
        return new Answer.Result(result.group(), result.generation(), outcome, result.elapsedMs(), finishedAt);
    }
}
