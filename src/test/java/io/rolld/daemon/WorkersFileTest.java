package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rolld.os.Exit;
import io.rolld.os.ProcessStartTime;
import io.rolld.process.WorkerRecord;
import io.rolld.rollout.Intent;
import io.rolld.rollout.Leftovers;
import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.time.Instant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers file, with this JVM standing in for the workers (its pid and start time are real). */
class WorkersFileTest {
    private static final long SELF = ProcessHandle.current().pid();
    private static final long SELF_START = ProcessStartTime.system().of(SELF).orElseThrow();

    @TempDir
    Path dir;

    /** Timers of the files under test: run when the test says the interval has passed. */
    private final List<Runnable> timers = new ArrayList<>();

    private WorkersFile file() {
        return new WorkersFile(dir.resolve("workers"), ProcessStartTime.system(), System::nanoTime, (delay, task) -> timers.add(task));
    }

    private void intervalPassed() {
        List<Runnable> due = List.copyOf(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void load_afterAWorkerStartedAndItsRolloutSucceeded_givesItWithItsGenerationServing() throws Exception {
        WorkersFile written = file();
        written.accept(new RolloutEvent.WorkerStarted("app", 3, 2, 8001, SELF, List.of(3, 4)));
        written.accept(new RolloutEvent.Finished(new RolloutResult.Succeeded("app", 3, List.of(8001), List.of(SELF), List.of(), 5), Instant.EPOCH));

        Map<String, Leftovers> left = file().load();

        assertEquals(Map.of("app", new Leftovers(OptionalLong.of(3),
                List.of(new WorkerRecord("app", 3, 2, 8001, SELF, SELF_START, List.of(3, 4))), Optional.empty())), left);
    }

    @Test
    void load_whenTheRolloutHadNotSwitchedYet_keepsTheOldGenerationServing() throws Exception {
        WorkersFile written = file();
        written.accept(new RolloutEvent.Finished(new RolloutResult.Succeeded("app", 1, List.of(8001), List.of(SELF), List.of(), 5), Instant.EPOCH));
        written.accept(new RolloutEvent.WorkerStarted("app", 2, 8501, 8501, SELF, List.of()));
        written.accept(new RolloutEvent.Transition("app", 2, Phase.CHECKING, List.of(8501), 10, 10));

        assertEquals(OptionalLong.of(1), file().load().get("app").activeGeneration());

        written.accept(new RolloutEvent.Transition("app", 2, Phase.DRAINING, List.of(8001), 20, 20));

        assertEquals(OptionalLong.of(2), file().load().get("app").activeGeneration());
    }

    @Test
    void load_duringABake_givesTheNewGenerationServingAndTheOldOneAgainIfTheBakeFails() throws Exception {
        WorkersFile written = file();
        written.accept(new RolloutEvent.WorkerStarted("app", 4, 8001, 8001, SELF, List.of()));
        written.accept(new RolloutEvent.Finished(new RolloutResult.Succeeded("app", 4, List.of(8001), List.of(SELF), List.of(), 5), Instant.EPOCH));
        written.accept(new RolloutEvent.Transition("app", 5, Phase.BAKING, List.of(8501), 10, 10));

        assertEquals(OptionalLong.of(5), file().load().get("app").activeGeneration());

        written.accept(new RolloutEvent.Finished(new RolloutResult.Failed("app", 5, Phase.BAKING, "answered 500", "", 30), Instant.EPOCH));

        assertEquals(OptionalLong.of(4), file().load().get("app").activeGeneration());
    }

    @Test
    void load_afterTheWorkerStoppedCrashedOrWasRefused_doesNotGiveIt() throws Exception {
        for (RolloutEvent gone : List.of(new RolloutEvent.WorkerStopped("app", 1, 8001, SELF, new Exit.Code(0)),
                new RolloutEvent.WorkerCrashed("app", 1, 8001, SELF, new Exit.Unknown(), 1, 1, 1, ""),
                new RolloutEvent.WorkerRefused("app", 1, 8001, 8001, SELF, "answers 500", "stopped it"))) {
            WorkersFile f = file();
            f.accept(new RolloutEvent.WorkerStarted("app", 1, 8001, 8001, SELF, List.of()));
            intervalPassed();
            assertEquals(1, file().load().get("app").workers().size(), gone.toString());
            f.accept(gone);
            intervalPassed();

            assertEquals(Map.of(), file().load(), gone.toString());
        }
    }

    @Test
    void load_keepsWhatItReadUntilEachWorkerIsAdoptedOrRefused() throws Exception {
        WorkersFile first = file();
        first.accept(new RolloutEvent.WorkerStarted("app", 1, 8001, 8001, SELF, List.of()));
        first.accept(new RolloutEvent.WorkerStarted("app", 1, 8002, 8002, 1, List.of()));
        first.accept(new RolloutEvent.Finished(new RolloutResult.Succeeded("app", 1, List.of(8001, 8002), List.of(SELF, 1L), List.of(), 5), Instant.EPOCH));
        WorkersFile second = file();
        second.load();

        second.accept(new RolloutEvent.WorkerRefused("app", 1, 8002, 8002, 1, "pid reused", "none"));
        second.flush();

        assertEquals(List.of(8001), file().load().get("app").workers().stream().map(WorkerRecord::port).toList());
    }

    @Test
    void accept_spawnsAreWrittenByTheTimer_notOnTheSpawningThread() throws Exception {
        WorkersFile f = file();
        f.accept(new RolloutEvent.Transition("app", 1, Phase.STARTING, List.of(8001), 0, 0));
        f.accept(new RolloutEvent.WorkerStarted("app", 1, 8001, 8001, SELF, List.of()));

        assertEquals(Map.of(), file().load(), "nothing written yet");
        intervalPassed();
        assertEquals(List.of(SELF), file().load().get("app").workers().stream().map(WorkerRecord::pid).toList());
    }

    @Test
    void accept_aPhaseEnd_writesWhatIsPendingAtOnce() throws Exception {
        WorkersFile f = file();
        f.accept(new RolloutEvent.WorkerStarted("app", 1, 8001, 8001, SELF, List.of()));
        f.accept(new RolloutEvent.Transition("app", 1, Phase.CHECKING, List.of(8001), 5, 5));

        assertEquals(List.of(SELF), file().load().get("app").workers().stream().map(WorkerRecord::pid).toList(),
                "complete when the phase ends, timer or not");
    }

    @Test
    void close_thenNoWrite() throws Exception {
        WorkersFile f = file();
        f.accept(new RolloutEvent.WorkerStarted("app", 1, 8001, 8001, SELF, List.of()));
        f.close();
        intervalPassed();
        f.flush();

        assertEquals(Map.of(), file().load());
    }

    @Test
    void load_withoutAFile_givesNothing() throws Exception {
        assertEquals(Map.of(), file().load());
    }

    @Test
    void load_ofAFileRolldDidNotWrite_failsWithTheReason() throws Exception {
        Files.writeString(dir.resolve("workers"), "12 2001-01-01T00:00:00Z app 8001\n");
        assertThrows(IOException.class, () -> file().load());
        Files.writeString(dir.resolve("workers"), "{\"format\":7}");
        IOException e = assertThrows(IOException.class, () -> file().load());
        assertEquals("not a workers file of this rolld (format 7, expected 1)", e.getMessage());
    }

    @Test
    void load_afterAnIntentWasRecorded_givesItBackUntilItIsCleared() throws Exception {
        WorkersFile written = file();
        written.accept(new RolloutEvent.WorkerStarted("app", 2, 8501, 8501, SELF, List.of()));
        Intent switching = new Intent(io.rolld.rollout.Phase.SWITCHING, 1, 2, Intent.FrontTarget.EITHER);
        written.record("app", Optional.of(switching));

        assertEquals(Optional.of(switching), file().load().get("app").intent(), "on disk as soon as record returns");

        written.record("app", Optional.empty());
        assertEquals(Optional.empty(), file().load().get("app").intent());
    }
}
