package io.rolld.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.GroupYaml;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** rolld from a directory so deep that its default control socket path passes the kernel's 107 bytes. */
class DeepDirectoryIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void daemon_inADirectoryDeeperThan108Bytes_servesItsControlSocketToStatusAndRestart() throws Exception {
        Path dir = Project.scratch("deep").resolve("d" + System.nanoTime());
        for (int i = 0; i < 3; i++) {
            dir = dir.resolve("a-rather-long-directory-name-as-ci-runners-make-them-" + i);
        }
        Files.createDirectories(dir);
        Path socket = dir.resolve(".rolld/rolld.sock");
        assertTrue(socket.toString().getBytes(StandardCharsets.UTF_8).length > 108, socket.toString());
        Path yml = GroupYaml.workers(1).write(dir);
        try (Rolld rolld = Rolld.start(yml)) {
            rolld.awaitLine("event=ready", WAIT);
            assertTrue(Files.exists(socket), "the socket is where it was asked to be: " + socket);

            CliRun status = CliRun.run(dir, WAIT, "status", "-c", yml.toString());
            assertEquals(0, status.exitCode(), status.toString());
            CliRun restart = CliRun.run(dir, WAIT, "restart", "--wait", "-c", yml.toString());
            assertEquals(0, restart.exitCode(), restart.toString());
            assertTrue(restart.stdout().contains("app succeeded: generation 2"), restart.toString());
        }
    }
}
