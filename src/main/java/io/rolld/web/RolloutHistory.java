package io.rolld.web;

import io.rolld.rollout.RolloutEvent;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout history and counters of every group, built from the rollout event stream (a consumer
 * beside the event log). Each event replaces the group's immutable {@link GroupHistory}; readers
 * take the current value and never wait for a rollout, which in turn never waits for a reader.
 */
public final class RolloutHistory implements Consumer<RolloutEvent> {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    private final Clock clock;
    private final Map<String, GroupHistory> groups = new ConcurrentHashMap<>();

    public RolloutHistory(Clock clock) {
        this.clock = clock;
    }

    public static RolloutHistory system() {
        return new RolloutHistory(Clock.systemUTC());
    }

    @Override
    public void accept(RolloutEvent event) {
        try {
            groups.compute(event.group(), (name, h) -> (h == null ? GroupHistory.empty() : h).with(event, clock.instant()));
        } catch (RuntimeException e) {
            // Runs on a group's thread: a bug here must cost a page, not a rollout.
            LOG.error("event=internal_error group={} error=\"{}\" action=\"the rollout goes on; its history may be incomplete\"",
                    event.group(), e, e);
        }
    }

    /** The group's history now (empty when nothing happened to it yet). */
    public GroupHistory of(String group) {
        return groups.getOrDefault(group, GroupHistory.empty());
    }
}
