package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.config.PosixSignal;
import io.rolld.os.Niceness;
import io.rolld.process.NativeSpawn;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import io.rolld.process.WorkerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class StartPriorityTest {
    @TempDir
    Path dir;

    private Worker sleeper() throws Exception {
        return NativeSpawn.spawn(new WorkerSpec(8001, List.of("sleep", "60"), dir, Map.of(), Optional.empty(), Optional.empty()), List.of());
    }

    @Test
    void lowered_thenRestoreOnceReady_putsTheWorkerBackAtRolldsPriority() throws Exception {
        int own = Niceness.own();
        Assumptions.assumeTrue(own <= 14 && Niceness.mayLowerTo(own), "needs room below nice " + own + " and CAP_SYS_NICE or RLIMIT_NICE");
        StartPriority priority = new StartPriority(5);
        Worker w = priority.lowered(sleeper());
        try {
            assertEquals(OptionalInt.of(own + 5), Niceness.of(w.pid()));
            priority.restore(new WorkerSet(2, List.of(w)));
            assertEquals(OptionalInt.of(own), Niceness.of(w.pid()));
        } finally {
            w.stop(PosixSignal.KILL, Duration.ofSeconds(30));
        }
    }

    @Test
    void lowered_withStartNiceZero_leavesTheWorkerAtRolldsPriority() throws Exception {
        Worker w = new StartPriority(0).lowered(sleeper());
        try {
            assertEquals(OptionalInt.of(Niceness.own()), Niceness.of(w.pid()));
        } finally {
            w.stop(PosixSignal.KILL, Duration.ofSeconds(30));
        }
    }
}
