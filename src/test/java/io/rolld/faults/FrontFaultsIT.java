package io.rolld.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Nginx;
import io.rolld.testing.ProcessAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fault matrix, part 3: the front's switch fails. A template that is missing or not Mustache is
 * refused with the rolld.yml position before anything starts (rolld.yml is re-read on every
 * restart); a target that cannot be written, or a validation command (the real {@code nginx -t})
 * that rejects the rendered file, rolls back: the new set stops, every file written is restored
 * byte for byte, and the front is reloaded back. Part 7: rolld.yml itself made invalid is refused with its
 * position. All under load, with no failed request.
 */
class FrontFaultsIT {
    private static final Duration GONE = Duration.ofSeconds(10);

    @Test
    void restart_whenTheFrontSwitchFails_restoresTheFrontByteForByteAndKeepsServing() throws Exception {
        try (Deployment d = Deployment.start("front-faults", 2, "ready_timeout: 60s", "stop_timeout: 1s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(3), 5_000_000)) {
            // Validate with nginx -t before the reload, and render a second file, as an operator would.
            Path extra = d.dir().resolve("extra.conf");
            rewriteHooks(d, extra);
            assertEquals(0, d.restartWait().exitCode(), d.rolld().tail());
            Set<Long> old = new HashSet<>(d.rolld().descendantPids());
            byte[] upstream = Files.readAllBytes(d.nginx().upstreamFile());
            byte[] extraBefore = Files.readAllBytes(extra);
            String template = Files.readString(d.template());
            load.awaitCompleted(100, Duration.ofSeconds(20));

            // nginx -t rejects what the template renders now.
            Files.writeString(d.template(), template + "not_a_directive on;\n");
            Set<Long> nginxWorkers = d.nginx().workerPids();
            Deployment.Restart rejected = d.restartWait();
            assertEquals(1, rejected.exitCode(), rejected.output());
            assertTrue(rejected.output().contains("after_start command '" + Nginx.binary() + " -t"), rejected.output());
            assertTrue(rejected.output().contains("unknown directive \"not_a_directive\""), rejected.output());
            assertRolledBack(d, load, old, upstream);
            assertArrayEquals(extraBefore, Files.readAllBytes(extra));
            // The rollback ran the reload hook again: nginx's workers were replaced once more.
            assertNotEquals(nginxWorkers, d.nginx().workerPids());
            Files.writeString(d.template(), template);

            // The second target cannot be written (root ignores modes: a directory stands in its way).
            Files.delete(extra);
            Files.createDirectories(extra.resolve("in-the-way"));
            Deployment.Restart unwritable = d.restartWait();
            assertEquals(1, unwritable.exitCode(), unwritable.output());
            assertTrue(unwritable.output().contains("cannot write " + extra), unwritable.output());
            assertRolledBack(d, load, old, upstream);
            Files.delete(extra.resolve("in-the-way"));
            Files.delete(extra);
            Files.write(extra, extraBefore);

            // A template that is gone, or not Mustache: rolld.yml is refused with its position.
            Files.delete(d.template());
            Deployment.Restart missing = d.restartWait();
            assertEquals(2, missing.exitCode(), missing.output());
            assertTrue(missing.output().contains(d.config() + ":"), missing.output());
            assertTrue(missing.output().contains("does not exist"), missing.output());
            assertRolledBack(d, load, old, upstream);
            Files.writeString(d.template(), "{{#ports}}\nserver 127.0.0.1:{{.}};\n");
            Deployment.Restart invalid = d.restartWait();
            assertEquals(2, invalid.exitCode(), invalid.output());
            assertTrue(invalid.output().contains(d.config() + ":"), invalid.output());
            assertTrue(invalid.output().contains("ports"), invalid.output());
            assertRolledBack(d, load, old, upstream);
            Files.writeString(d.template(), template);

            // rolld.yml itself made invalid: refused with file:line:column, nothing changes.
            String yml = Files.readString(d.config());
            Files.writeString(d.config(), yml.replace("  cmd:", "  comand:"));
            Deployment.Restart badYml = d.restartWait();
            assertEquals(2, badYml.exitCode(), badYml.output());
            assertTrue(badYml.output().contains(d.config() + ":2:3: unknown key 'comand'"), badYml.output());
            assertRolledBack(d, load, old, upstream);
            Files.writeString(d.config(), yml);

            assertEquals(0, d.restartWait().exitCode(), d.rolld().tail());
            ProcessAssertions.assertGone(old, GONE);
            HttpLoadReport report = load.stop();
            System.out.println("FrontFaultsIT: " + report);
            assertEquals(0, report.non2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }

    private static void rewriteHooks(Deployment d, Path extra) throws Exception {
        String yml = Files.readString(d.config());
        String check = "    - replace_file: [numprocs, '" + d.template() + "', '" + extra + "']\n"
                + "    - run_proc: '" + Nginx.binary() + " -t -q -p " + d.nginx().prefix() + "/ -c nginx.conf -e nginx-error.log'\n"
                + "    - run_proc: 'kill -HUP";
        Files.writeString(d.config(), yml.replace("    - run_proc: 'kill -HUP", check));
    }

    private static void assertRolledBack(Deployment d, HttpLoad load, Set<Long> old, byte[] upstream) throws Exception {
        assertArrayEquals(upstream, Files.readAllBytes(d.nginx().upstreamFile()), "front config restored byte for byte");
        assertEquals(old, new HashSet<>(d.rolld().descendantPids()), "only the old set runs: " + d.rolld().tail());
        long before = load.report().requests();
        load.awaitCompleted(before + 50, Duration.ofSeconds(10));
    }
}
