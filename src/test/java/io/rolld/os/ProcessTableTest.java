package io.rolld.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.PosixSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTableTest {
    @TempDir
    Path proc;

    @Test
    void children_ofAMaster_areItsForks_withTheirOwnDescendantsInTheirSubtree() throws Exception {
        stat(10, 1, 100);
        stat(11, 10, 200);
        stat(12, 10, 300);
        stat(13, 12, 400);
        Files.createDirectories(proc.resolve("self")); // not a pid
        Files.createDirectories(proc.resolve("14")); // exited between listing and reading: no stat

        ProcessTable table = ProcessTable.read(proc);

        assertEquals(List.of(new ProcessTable.Entry(11, 10, 200), new ProcessTable.Entry(12, 10, 300)), table.children(10));
        assertEquals(List.of(12L, 13L), table.subtree(12));
        assertTrue(table.contains(new ProcessTable.Entry(11, 10, 200)));
        assertFalse(table.contains(new ProcessTable.Entry(11, 10, 201)), "the same pid, started later: another process");
    }

    @Test
    void read_realProcesses_findsAChildOfThisJvm_andTheSignallerStopsIt() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessTable.Entry entry = ProcessTable.read(Path.of("/proc")).children(ProcessHandle.current().pid()).stream()
                    .filter(e -> e.pid() == child.pid()).findFirst().orElseThrow();
            assertEquals(ProcessStartTime.system().of(child.pid()).orElseThrow(), entry.startTime());
            assertFalse(ProcessSignaller.OS.send(new ProcessTable.Entry(child.pid(), entry.parent(), entry.startTime() + 1),
                    PosixSignal.TERM), "a reused pid is left alone");
            assertTrue(child.isAlive());

            assertTrue(ProcessSignaller.OS.send(entry, PosixSignal.TERM));
            assertEquals(143, child.waitFor());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void tree_ofTwoWorkers_holdsEachOnesDescendantsFromOneReading_notAPidReusedByAnOlderProcess() throws Exception {
        stat(100, 1, 10);
        stat(200, 100, 20);
        stat(201, 200, 21);
        stat(202, 201, 22);
        stat(203, 200, 5); // started before its parent: a pid reused since, not its child
        stat(300, 100, 30);
        stat(301, 300, 31);

        ProcessTable table = ProcessTable.read(proc);

        assertEquals(List.of(new ProcessTable.Entry(200, 100, 20), new ProcessTable.Entry(201, 200, 21), new ProcessTable.Entry(202, 201, 22)),
                table.tree(200));
        assertEquals(List.of(new ProcessTable.Entry(300, 100, 30), new ProcessTable.Entry(301, 300, 31)), table.tree(300));
        assertEquals(List.of(), table.tree(999));
    }

    private void stat(long pid, long parent, long start) throws Exception {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(proc.resolve(pid + "/stat"),
                pid + " (gunicorn: worker [app]) S " + parent + " 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 " + start + " 1234 300\n");
    }
}
