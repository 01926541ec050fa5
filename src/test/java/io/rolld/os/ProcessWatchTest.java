package io.rolld.os;

import io.rolld.config.PosixSignal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Orphan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class ProcessWatchTest {
    private static final long DEADLINE_S = 60;
    private final ProcessWatch watch = ProcessWatch.shared();

    @Test
    void onExit_ofAProcessThatIsNotOurChild_completesWhenItIsKilled() throws Exception {
        try (Orphan sleeper = Orphan.start("exec sleep 300")) {
            assertFalse(sleeper.isOurChild(), "the test needs a process that is not the JVM's child");
            CompletableFuture<Exit> exit = watch.onExit(sleeper.pid, sleeper.startTime());
            assertFalse(exit.isDone(), "a sleeping process has not exited");
            SignalCalls.kill(sleeper.pid, PosixSignal.TERM.number());
            assertEquals(new Exit.Unknown(), exit.get(DEADLINE_S, TimeUnit.SECONDS));
        }
    }

    @Test
    void onExit_whenThePidNowBelongsToAProcessStartedAtAnotherTime_isCompleteAtOnce() throws Exception {
        try (Orphan sleeper = Orphan.start("exec sleep 300")) {
            CompletableFuture<Exit> exit = watch.onExit(sleeper.pid, sleeper.startTime() - 1);
            assertTrue(exit.isDone(), "the recorded process no longer runs");
            assertEquals(new Exit.Unknown(), exit.join());
        }
    }

    @Test
    void onExit_ofAPidWithNoProcess_isCompleteAtOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertTrue(watch.onExit(gone.pid(), 0).isDone());
    }

    @Test
    void onExit_ofAHandleWhoseProcessIsGone_isCompleteAtOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertTrue(watch.onExit(gone.toHandle()).isDone());
    }

    @Test
    void onExit_ofOurChild_reportsItsExitCodeOrSignalAndLeavesItToBeReaped() throws Exception {
        long exits7 = spawn("exit 7");
        long killed = spawn("exec sleep 300");
        try {
            CompletableFuture<Exit> code = watch.onExit(ProcessHandle.of(exits7).orElseThrow());
            CompletableFuture<Exit> signal = watch.onExit(ProcessHandle.of(killed).orElseThrow());
            assertEquals(new Exit.Code(7), code.get(DEADLINE_S, TimeUnit.SECONDS));
            assertFalse(signal.isDone());
            SignalCalls.kill(killed, PosixSignal.KILL.number());
            assertEquals(new Exit.Signaled(9), signal.get(DEADLINE_S, TimeUnit.SECONDS));
            // waitid(WNOWAIT) left the zombies: their reaper still gets the same status.
            assertEquals(7, PosixSpawn.waitpid(exits7) >> 8 & 0xff);
            assertEquals(9, PosixSpawn.waitpid(killed) & 0x7f);
        } finally {
            SignalCalls.kill(killed, PosixSignal.KILL.number());
        }
    }

    @Test
    void onChildExit_reapsTheChildAndTellsAnExitWithStatus130FromADeathBySigint() throws Exception {
        long exits130 = spawn("exit 130");
        long interrupted = spawn("exec sleep 300");
        CompletableFuture<Exit> code = watch.onChildExit(exits130);
        CompletableFuture<Exit> signal = watch.onChildExit(interrupted);
        try {
            assertEquals(new Exit.Code(130), code.get(DEADLINE_S, TimeUnit.SECONDS));
            SignalCalls.kill(interrupted, PosixSignal.INT.number());
            assertEquals(new Exit.Signaled(PosixSignal.INT.number()), signal.get(DEADLINE_S, TimeUnit.SECONDS));
            assertEquals("exit status 130", code.join().toString());
            assertEquals("killed by signal SIGINT", signal.join().toString());
            for (long reaped : List.of(exits130, interrupted)) {
                ErrnoException e = assertThrows(ErrnoException.class, () -> PosixSpawn.waitpid(reaped), "pid " + reaped + " was reaped");
                assertEquals(10, e.errno(), "ECHILD");
            }
        } finally {
            if (!signal.isDone()) { // not reaped yet, so the pid is still this child's
                SignalCalls.kill(interrupted, PosixSignal.KILL.number());
            }
        }
    }

    @Test
    void onExit_ofManyProcessesAtOnce_completesEachOnItsOwnExit() throws Exception {
        List<Orphan> sleepers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                sleepers.add(Orphan.start("exec sleep 300"));
            }
            List<CompletableFuture<Exit>> exits = sleepers.stream().map(s -> watch.onExit(s.pid, s.startTime())).toList();
            for (int i = 0; i < sleepers.size(); i += 2) {
                SignalCalls.kill(sleepers.get(i).pid, PosixSignal.KILL.number());
            }
            for (int i = 0; i < sleepers.size(); i += 2) {
                assertInstanceOf(Exit.Unknown.class, exits.get(i).get(DEADLINE_S, TimeUnit.SECONDS));
            }
            for (int i = 1; i < sleepers.size(); i += 2) {
                assertFalse(exits.get(i).isDone(), "pid " + sleepers.get(i).pid + " still runs");
            }
        } finally {
            sleepers.forEach(Orphan::close);
        }
    }

    /** A child of this JVM that the JDK does not reap (posix_spawn, not ProcessBuilder). */
    private static long spawn(String script) {
        return PosixSpawn.posixSpawn("/bin/sh", List.of("/bin/sh", "-c", script), List.of("PATH=/usr/bin:/bin"),
                List.of(new PosixSpawn.FileAction.Open(0, "/dev/null", PosixSpawn.O_RDONLY, 0)), List.of());
    }
}
