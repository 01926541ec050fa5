package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.Config;
import io.rolld.config.ConfigLoader;
import io.rolld.config.LogRotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRotatorTest {
    @TempDir
    Path dir;

    private Config config(String logs) throws Exception {
        return ConfigLoader.parse("""
                app:
                  cmd: ./server {numproc}
                  stdout: 'logs/app-{numproc}.log'
                  stderr: 'logs/app-{numproc}.err'
                  workset:
                    - numprocs: [8001]
                    - numprocs: [8002]
                """ + logs, dir.resolve("rolld.yml"));
    }

    @Test
    void check_rotatesOnlyTheFilesOverMaxSize_andReportsEach() throws Exception {
        Config c = config("  logs: {max_size: 10B, keep: 2}\n");
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/app-8001.log"), "more than ten bytes\n");
        Files.writeString(dir.resolve("logs/app-8001.err"), "ten bytes\n");
        List<LogRotator.Outcome> outcomes = new ArrayList<>();

        new LogRotator(c::groups, Optional::empty, Optional.empty(), outcomes::add).check();

        assertEquals(1, outcomes.size(), outcomes.toString());
        LogRotator.Outcome.Rotated r = (LogRotator.Outcome.Rotated) outcomes.getFirst();
        assertEquals(dir.resolve("logs/app-8001.log"), r.file());
        assertEquals(20, r.size());
        assertEquals(Optional.of("app"), r.group());
        assertEquals("more than ten bytes\n", Files.readString(dir.resolve("logs/app-8001.log.1")));
        assertEquals("ten bytes\n", Files.readString(dir.resolve("logs/app-8001.err")));
    }

    @Test
    void check_withoutLogsKey_leavesEveryFileAlone() throws Exception {
        Config c = config("");
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/app-8001.log"), "x".repeat(10_000));
        List<LogRotator.Outcome> outcomes = new ArrayList<>();

        new LogRotator(c::groups, Optional::empty, Optional.empty(), outcomes::add).check();

        assertEquals(List.of(), outcomes);
    }

    @Test
    void check_ownLogOverItsLimit_isRenamedAndReopened() throws Exception {
        Config c = config("");
        Path own = dir.resolve("rolld.log");
        Files.writeString(own, "event=starting\n");
        List<LogRotator.Outcome> outcomes = new ArrayList<>();
        List<String> reopened = new ArrayList<>();

        new LogRotator(c::groups, () -> Optional.of(new LogRotation(5, 1, false)),
                Optional.of(new LogRotator.OwnLog(own, () -> reopened.add("reopened"))), outcomes::add).check();

        assertEquals(List.of("reopened"), reopened);
        assertEquals("rename_reopen", ((LogRotator.Outcome.Rotated) outcomes.getFirst()).method());
        assertEquals("event=starting\n", Files.readString(dir.resolve("rolld.log.1")));
    }

    @Test
    void check_aFileThatCannotBeRotated_isReportedOnceWhileTheErrorStays() throws Exception {
        Config c = config("  logs: {max_size: 10B, keep: 2}\n");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("app-8001.log"), "more than ten bytes\n");
        Files.createDirectory(logs.resolve("app-8001.log.2")); // the oldest copy, to be removed, is a directory in use
        Files.writeString(logs.resolve("app-8001.log.2").resolve("occupied"), "x");
        List<LogRotator.Outcome> outcomes = new ArrayList<>();
        LogRotator rotator = new LogRotator(c::groups, Optional::empty, Optional.empty(), outcomes::add);

        rotator.check();
        rotator.check();

        assertEquals(1, outcomes.size(), outcomes.toString());
        assertTrue(outcomes.getFirst() instanceof LogRotator.Outcome.Failed, outcomes.toString());
    }
}
