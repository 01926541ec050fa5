package io.rolld.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTableTest {
    @TempDir
    Path proc;

    private void process(long pid, String comm, char state, long ppid, long startTime) throws Exception {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(proc.resolve(pid + "/stat"), pid + " (" + comm + ") " + state + " " + ppid
                + " 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 " + startTime + " 12345678 300 18446744073709551615\n");
    }

    @Test
    void tree_ofTwoWorkers_holdsEachOnesDescendantsFromOneReading() throws Exception {
        process(1, "init", 'S', 0, 1);
        process(100, "rolld", 'S', 1, 10);
        process(200, "worker (a)", 'S', 100, 20);
        process(201, "child", 'S', 200, 21);
        process(202, "grand child", 'R', 201, 22);
        process(300, "worker b", 'S', 100, 30);
        process(301, "b's child", 'S', 300, 31);
        Files.createDirectories(proc.resolve("self")); // not a pid: skipped

        ProcessTable table = ProcessTable.read(proc);

        assertEquals(List.of(new ProcessTable.Entry(200, 20), new ProcessTable.Entry(201, 21), new ProcessTable.Entry(202, 22)), table.tree(200));
        assertEquals(List.of(new ProcessTable.Entry(300, 30), new ProcessTable.Entry(301, 31)), table.tree(300));
    }

    @Test
    void tree_leavesOutZombiesAndAPidReusedByAnOlderProcess() throws Exception {
        process(200, "worker", 'S', 1, 20);
        process(201, "exited", 'Z', 200, 21);
        process(202, "reused pid, started before the worker", 'S', 200, 5);

        ProcessTable table = ProcessTable.read(proc);

        assertEquals(List.of(new ProcessTable.Entry(200, 20)), table.tree(200));
        assertEquals(List.of(), table.tree(201), "a zombie does not run");
        assertEquals(List.of(), table.tree(999));
    }

    @Test
    void runs_isTrueOnlyForTheSamePidStartedAtTheSameTime() throws Exception {
        process(200, "worker", 'S', 1, 20);

        ProcessTable table = ProcessTable.read(proc);

        assertTrue(table.runs(new ProcessTable.Entry(200, 20)));
        assertFalse(table.runs(new ProcessTable.Entry(200, 21)));
        assertFalse(table.runs(new ProcessTable.Entry(201, 20)));
    }

    @Test
    void read_ofThisMachine_findsThisProcessAndItsChild() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            List<ProcessTable.Entry> tree = ProcessTable.read().tree(ProcessHandle.current().pid());
            assertEquals(ProcessHandle.current().pid(), tree.getFirst().pid());
            assertTrue(tree.stream().anyMatch(e -> e.pid() == child.pid()), tree.toString());
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }
}
