package io.rolld.rollout;

import java.util.Optional;

/**
 * Where a group's {@link Intent} is recorded: {@link #record} returns once it is durable, so the
 * effect that follows it can be found by the next rolld. The daemon's workers file keeps it.
 */
public interface IntentLog {
    /** For tests and groups that keep nothing. */
    IntentLog NONE = (group, intent) -> { };

    /** Records {@code intent} for {@code group} (empty: the rollout ended, nothing is in progress). */
    void record(String group, Optional<Intent> intent);
}
