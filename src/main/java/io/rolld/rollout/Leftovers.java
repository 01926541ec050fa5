package io.rolld.rollout;

import io.rolld.process.WorkerRecord;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a previous rolld left of one group, as its workers file recorded it: the workers it ran,
 * the generation that was serving (the last one the front, or the held sockets' workers, had
 * switched to), empty when no generation had finished its first start, and the {@link Intent} of
 * the rollout it was in the middle of, if any.
 */
public record Leftovers(OptionalLong activeGeneration, List<WorkerRecord> workers, Optional<Intent> intent) {
    public Leftovers {
        workers = List.copyOf(workers);
    }

    /** A group nobody ran before: its start is the first start. */
    public static Leftovers none() {
        return new Leftovers(OptionalLong.empty(), List.of(), Optional.empty());
    }
}
