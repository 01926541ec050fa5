package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.os.Exit;
import io.rolld.rollout.RolloutEvent;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class WorkerLivesTest {
    private final WorkerLives lives = new WorkerLives();

    private void started(long pid) {
        lives.accept(new RolloutEvent.WorkerStarted("app", 1, (int) pid, 8000, pid, List.of()));
    }

    private void stopped(long pid) {
        lives.accept(new RolloutEvent.WorkerStopped("app", 1, 8000, pid, new Exit.Code(0)));
    }

    private List<Long> pids() {
        return lives.of("app").stream().map(WorkerLives.Life::pid).toList();
    }

    @Test
    void of_afterAWorkerEnded_keepsItInItsPlaceMarkedEnded() {
        started(1);
        started(2);
        started(3);
        stopped(2);

        assertEquals(List.of(1L, 2L, 3L), pids());
        assertEquals(List.of(false, true, false), lives.of("app").stream().map(l -> l.ended().isPresent()).toList());
        assertEquals(List.of(), lives.of("other"));
    }

    @Test
    void started_withAPidReusedByANewWorker_replacesTheEndedOneAtTheEnd() {
        started(5);
        started(6);
        stopped(5);
        started(5);

        assertEquals(List.of(6L, 5L), pids());
        assertTrue(lives.of("app").stream().allMatch(l -> l.ended().isEmpty()));
    }

    @Test
    void ended_beyondTheKeptNumber_dropsTheEarliestEnded() {
        LongStream.rangeClosed(1, 100).forEach(this::started);
        LongStream.rangeClosed(1, 100).map(p -> 101 - p).forEach(this::stopped); // 100 ends first, 1 last

        assertEquals(LongStream.rangeClosed(1, WorkerLives.ENDED_KEPT).boxed().toList(), pids());
    }
}
