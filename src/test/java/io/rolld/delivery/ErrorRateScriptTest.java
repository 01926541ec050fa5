package io.rolld.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.os.ShellCommand;
import io.rolld.testing.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** example/error-rate-ok.sh, docs/configuration.md's bake check, against a hand-written access log. */
class ErrorRateScriptTest {
    private static final String LOG = """
            200 127.0.0.1:8001
            500 127.0.0.1:8001
            500 127.0.0.1:8501
            200 127.0.0.1:8502
            200 127.0.0.1:8502, 127.0.0.1:8501
            """;

    @TempDir
    Path dir;

    private ShellCommand.Result run(Map<String, String> env) throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, LOG);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("ACCESS_LOG", log.toString());
        return ShellCommand.run("sh " + Project.example().resolve("error-rate-ok.sh"), dir, all, Duration.ofSeconds(10));
    }

    @Test
    void check_whenTheNewSetsErrorRateIsOverTheLimit_exits1CountingOnlyItsPorts() throws Exception {
        ShellCommand.Result result = run(Map.of("ROLLD_PORTS", "8501,8502"));

        assertEquals(1, result.exitCode().getAsInt(), result.describe());
        assertTrue(result.output().contains("1 of the new set's last 3 responses were 5xx (33.3%, limit 1%)"), result.describe());
    }

    @Test
    void check_whenUnderTheLimit_exits0() throws Exception {
        assertEquals(0, run(Map.of("ROLLD_PORTS", "8501,8502", "MAX_PERCENT", "50")).exitCode().getAsInt());
    }

    @Test
    void check_whenNoRequestReachedTheNewSet_exits0() throws Exception {
        ShellCommand.Result result = run(Map.of("ROLLD_PORTS", "9001"));

        assertEquals(0, result.exitCode().getAsInt(), result.describe());
        assertTrue(result.output().contains("no request reached the new set yet"), result.describe());
    }
}
