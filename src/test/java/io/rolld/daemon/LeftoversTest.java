package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.os.Exit;
import io.rolld.rollout.RolloutEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers file, with this JVM standing in for a worker a killed rolld left behind. */
class LeftoversTest {
    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void find_afterWorkerStarted_returnsTheSameLiveProcess() throws Exception {
        Leftovers written = new Leftovers(dir.resolve("workers"));
        written.accept(new RolloutEvent.WorkerStarted("app", 1, 8001, SELF));

        List<Leftovers.Leftover> found = new Leftovers(dir.resolve("workers")).find();

        assertEquals(List.of(new Leftovers.Leftover(ProcessHandle.current(), "app", 8001)), found);
    }

    @Test
    void find_afterWorkerStopped_returnsNothing() throws Exception {
        Leftovers leftovers = new Leftovers(dir.resolve("workers"));
        leftovers.accept(new RolloutEvent.WorkerStarted("app", 1, 8001, SELF));
        leftovers.accept(new RolloutEvent.WorkerStopped("app", 1, 8001, SELF, new Exit.Code(0)));

        assertEquals(List.of(), leftovers.find());
    }

    @Test
    void find_whenThePidStartedAtAnotherTimeOrTheLineIsGarbage_skipsIt() throws Exception {
        Files.writeString(dir.resolve("workers"), SELF + " 2001-01-01T00:00:00Z app 8001\nnot a line\n1 2 3 x\n");

        assertEquals(List.of(), new Leftovers(dir.resolve("workers")).find());
    }

    @Test
    void find_withoutAFile_returnsNothing() throws Exception {
        assertEquals(List.of(), new Leftovers(dir.resolve("workers")).find());
    }
}
