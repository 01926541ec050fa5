package io.rolld.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fault matrix, part 8: a worker writing 100 MiB to stdout at once costs rolld no memory and
 * blocks nothing (the bound leaves room for the JVM's own growth during a rollout, far below the
 * 100 MiB written).
 */
class ChattyWorkerIT {
    private static final long MIB = 1024 * 1024;

    @Test
    void restart_whenWorkersWrite100MiBToStdout_keepsRolldsMemoryFlat() throws Exception {
        try (Deployment d = Deployment.start("chatty", 1, "stop_timeout: 1s")) {
            long before = residentBytes(d.rolld().pid());
            d.env("APP_OUTPUT_MB", "100");
            long start = System.nanoTime();
            Deployment.Restart restart = d.restartWait();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, restart.exitCode(), restart.output());
            long after = residentBytes(d.rolld().pid());
            Path log = d.dir().resolve("logs").resolve("app-" + d.secondPorts().getFirst() + ".log");
            long written = Files.size(log);
            System.out.println("ChattyWorkerIT: worker wrote " + written / MIB + " MiB in a rollout of " + elapsedMs
                    + " ms; rolld RSS " + before / MIB + " MiB -> " + after / MIB + " MiB");
            assertTrue(written >= 100 * MIB, "written " + written);
            assertTrue(after - before < 64 * MIB, "rolld grew by " + (after - before) / MIB + " MiB");
            Files.delete(log);
        }
    }

    private static long residentBytes(long pid) throws Exception {
        Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
        assertTrue(m.find(), "no VmRSS for pid " + pid);
        return Long.parseLong(m.group(1)) * 1024;
    }
}
