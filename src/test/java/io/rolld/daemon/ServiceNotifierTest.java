package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Health;
import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** systemd's STATUS= says what {@code rolld status} says: both read the same snapshot's derived state. */
class ServiceNotifierTest {
    private static final Instant NOW = Instant.parse("2026-12-07T20:00:00Z");

    private static GroupStatus group(List<GroupStatus.WorkerInfo> workers, Optional<RolloutResult> last, Optional<GroupStatus.Running> rollout) {
        return new GroupStatus("app", 3, workers, last, last.map(r -> NOW), new Health.Healthy(), Optional.empty(), rollout, Optional.empty(),
                List.of());
    }

    @Test
    void describe_whenNoWorkerRunsAfterAResult_saysDegradedLikeStatus() {
        GroupStatus g = group(List.of(), Optional.of(new RolloutResult.Failed("app", 4, Phase.CHECKING, "smoke test failed", "", 10)),
                Optional.empty());

        assertEquals("degraded", g.state().label());
        assertEquals("app: degraded, generation 3, 0/0 workers up", ServiceNotifier.describe(g));
    }

    @Test
    void describe_beforeTheFirstResult_saysStartingLikeStatus() {
        GroupStatus g = group(List.of(), Optional.empty(), Optional.empty());

        assertEquals("starting", g.state().label());
        assertEquals("app: starting, generation 3, 0/0 workers up", ServiceNotifier.describe(g));
    }

    @Test
    void describe_duringARollout_namesItsPhaseAndGeneration() {
        GroupStatus g = group(List.of(new GroupStatus.WorkerInfo(8001, 42, NOW, true)), Optional.empty(),
                Optional.of(new GroupStatus.Running(4, Phase.DRAINING, List.of(8001), 1200, 1, Optional.empty())));

        assertEquals(Phase.DRAINING, g.phase());
        assertEquals("app: DRAINING to generation 4, 1/1 workers up", ServiceNotifier.describe(g));
    }
}
