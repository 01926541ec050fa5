package io.rolld.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.Deployment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rolld restart --wait --json} against a real deployment: stdout is exactly one JSON object. */
class RestartJsonIT {
    private static final Duration CLIENT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void restartWaitJson_succeededThenRolledBack_printsOneObjectWithResultGenerationAndReason() throws IOException {
        try (Deployment d = Deployment.start("restart-json", 2)) {
            CliRun ok = restart(d);

            assertEquals(0, ok.exitCode(), ok.toString());
            Map<String, Object> good = onlyObject(ok);
            assertEquals("succeeded", good.get("result"), ok.toString());
            assertEquals(Deployment.GROUP, good.get("group"));
            assertEquals(2, ((Number) good.get("generation")).intValue(), ok.toString());
            assertEquals(null, good.get("reason"), ok.toString());
            assertTrue(ok.stderr().contains("app gen 2 IDLE"), "progress goes to stderr: " + ok);

            // Workers that exit at once: a certain failure, seen as soon as they exit.
            d.env("APP_EXIT", "3");
            CliRun bad = restart(d);

            assertEquals(1, bad.exitCode(), bad.toString());
            Map<String, Object> failed = onlyObject(bad);
            assertEquals("rolled_back", failed.get("result"), bad.toString());
            assertEquals(1, ((Number) failed.get("exit_code")).intValue());
            assertEquals(3, ((Number) failed.get("generation")).intValue(), bad.toString());
            assertTrue(String.valueOf(failed.get("reason")).contains("worker exited during the smoke test (exit status 3)"), bad.toString());
            Map<?, ?> group = (Map<?, ?>) ((List<?>) failed.get("groups")).getFirst();
            assertEquals("CHECKING", group.get("failed_in"), bad.toString());
        }
    }

    @Test
    void restartJson_whenRolldIsNotRunning_exits3WithAnObjectSayingSo() throws IOException {
        Path config = dir.resolve("rolld.yml");
        java.nio.file.Files.writeString(config, "rolld:\n  control_socket: 'nobody-here.sock'\n");

        CliRun run = CliRun.run(dir, CLIENT, "restart", "--wait", "--json", "-c", config.toString());

        assertEquals(3, run.exitCode(), run.toString());
        Map<String, Object> out = onlyObject(run);
        assertEquals("not_running", out.get("result"), run.toString());
        assertTrue(String.valueOf(out.get("reason")).startsWith("rolld is not running"), run.toString());
    }

    private CliRun restart(Deployment d) {
        return CliRun.run(dir, CLIENT, "restart", "--wait", "--json", "--timeout", "80s", "-c", d.config().toString());
    }

    private static Map<String, Object> onlyObject(CliRun run) throws IOException {
        assertEquals(1, run.stdout().lines().count(), "stdout must be one JSON line: " + run);
        return JSON.std.mapFrom(run.stdout());
    }
}
