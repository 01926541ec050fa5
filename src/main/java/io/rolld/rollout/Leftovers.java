package io.rolld.rollout;

import io.rolld.process.Release;
import io.rolld.process.WorkerRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a previous rolld left of one group, as its workers file recorded it: the workers it ran,
 * the generation that was serving (the last one the front, or the held sockets' workers, had
 * switched to), empty when no generation had finished its first start, and the {@link Intent} of
 * the rollout it was in the middle of, if any; and, from rolld's history, the release each of
 * those generations ran, so an adopted generation's respawns run its own code and environment.
 */
public record Leftovers(OptionalLong activeGeneration, List<WorkerRecord> workers, Optional<Intent> intent,
                        Map<Long, Release> releases) {
    public Leftovers {
        workers = List.copyOf(workers);
        releases = Map.copyOf(releases);
    }

    /** As the workers file records it, before the history says what each generation ran. */
    public Leftovers(OptionalLong activeGeneration, List<WorkerRecord> workers, Optional<Intent> intent) {
        this(activeGeneration, workers, intent, Map.of());
    }

    /** The same, knowing what each generation ran. */
    public Leftovers withReleases(Map<Long, Release> byGeneration) {
        return new Leftovers(activeGeneration, workers, intent, byGeneration);
    }

    /** A group nobody ran before: its start is the first start. */
    public static Leftovers none() {
        return new Leftovers(OptionalLong.empty(), List.of(), Optional.empty());
    }
}
