package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each transition tells rolld's own time from the time it waited for others, on a clock the test turns. */
class ProgressTest {
    @TempDir
    Path dir;

    private long now = 5_000_000_000L;
    private final List<RolloutEvent.Transition> transitions = new ArrayList<>();

    private Progress progress() throws Exception {
        GroupConfig group = ConfigLoader.parse("""
                app:
                  cmd: 'true'
                  workset:
                    - numprocs: [8001]
                    - numprocs: [8002]
                """, dir.resolve("rolld.yml")).group("app").orElseThrow();
        return new Progress(group, 2, e -> {
            if (e instanceof RolloutEvent.Transition t) {
                transitions.add(t);
            }
        }, io.rolld.process.Stopper.OS, () -> now);
    }

    private void passMs(long ms) {
        now += ms * 1_000_000;
    }

    @Test
    void enter_ownMsIsTheElapsedTimeLessEveryWait() throws Exception {
        Progress p = progress();
        p.enter(Phase.STARTING, List.of(8002));
        passMs(30); // spawning: rolld's own
        p.enter(Phase.CHECKING, List.of(8002));
        try (var _ = p.waiting()) {
            passMs(900); // the app starting up
        }
        passMs(4);
        p.enter(Phase.SWITCHING, List.of(8002));
        try (var _ = p.waiting()) {
            passMs(60); // nginx reloading
        }
        p.enter(Phase.IDLE, List.of(8002));

        assertEquals(List.of(0L, 30L, 934L, 994L), transitions.stream().map(RolloutEvent.Transition::elapsedMs).toList());
        assertEquals(List.of(0L, 30L, 34L, 34L), transitions.stream().map(RolloutEvent.Transition::ownMs).toList());
    }
}
