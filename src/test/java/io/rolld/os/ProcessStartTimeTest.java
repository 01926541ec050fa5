package io.rolld.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessStartTimeTest {
    @TempDir
    Path proc;

    @Test
    void of_aCommandNameWithSpacesAndParentheses_readsField22() throws Exception {
        Files.createDirectories(proc.resolve("42"));
        Files.writeString(proc.resolve("42/stat"),
                "42 (my (odd) app) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 12345678 300 18446744073709551615\n");
        assertEquals(OptionalLong.of(987654), new ProcessStartTime(proc).of(42));
    }

    @Test
    void of_aPidWithNoProcess_isEmpty() {
        assertTrue(new ProcessStartTime(proc).of(42).isEmpty());
    }

    @Test
    void of_realProcesses_tellsALaterProcessFromThisOne() throws Exception {
        long self = ProcessStartTime.system().of(ProcessHandle.current().pid()).orElseThrow();
        Process later = new ProcessBuilder("sleep", "30").start();
        try {
            long child = ProcessStartTime.system().of(later.pid()).orElseThrow();
            assertTrue(child >= self, child + " >= " + self);
            assertEquals(child, ProcessStartTime.system().of(later.pid()).orElseThrow(), "stable for one process");
            assertNotEquals(OptionalLong.empty(), ProcessStartTime.system().of(ProcessHandle.current().pid()));
        } finally {
            later.destroyForcibly();
            later.waitFor();
        }
    }
}
