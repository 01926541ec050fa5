package io.rolld.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Rolld} fixture against a stand-in (a bash script that logs like rolld and runs one
 * app.py worker), since the daemon itself is not written yet.
 */
class RolldFixtureIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Logs like rolld, runs app.py on $1; on TERM stops it (or, with $2 = leak, abandons it). */
    private static final String STAND_IN = """
            #!/usr/bin/env bash
            set -euo pipefail
            # printf's own clock: a `date` child per line would be a short-lived descendant that
            # the leftover check could catch between its fork and its exit.
            log() { TZ=UTC printf '%(%Y-%m-%dT%H:%M:%S)T.000Z INFO %s\n' -1 "$*"; }
            /usr/bin/python3 "$ROLLD_ROOT/example/app.py" "$1" &  # not a PATH shim (pyenv): one process, no helpers to race with TERM
            worker=$!
            on_term() {
                if [[ "${2:-}" != leak ]]; then kill -TERM "$worker"; wait "$worker" || true; fi
                log event=stopped
                exit 0
            }
            trap 'on_term "$@"' TERM
            trap 'log event=reload_requested' HUP
            log event=ready groups=1 worker_pid=$worker
            while true; do wait "$worker" || true; kill -0 "$worker" 2>/dev/null || break; done
            log event=worker_exited
            """;

    @TempDir
    Path dir;

    @Test
    void close_afterAwaitingLinesAndSignalling_leavesNoProcess() {
        int port = FreePorts.one();
        Rolld rolld = Rolld.launch(standIn(Integer.toString(port)), Project.root(), "stand-in");
        List<Long> workers;
        try (rolld) {
            String ready = rolld.awaitLine("event=ready groups=1", WAIT);
            ListeningSockets.awaitAccepting(port, WAIT, "the stand-in's worker");
            workers = rolld.descendantPids();

            assertTrue(ready.matches("\\S+Z INFO event=ready groups=1 worker_pid=\\d+"), ready);
            Optional<Long> listener = ListeningSockets.pidListeningOn(port);
            assertTrue(listener.isPresent() && workers.contains(listener.get()), workers + " vs " + listener);

            int before = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(before, "event=reload_requested", WAIT);
        }
        ProcessAssertions.assertGone(workers, Duration.ofSeconds(1));
        assertTrue(rolld.tail().contains("event=stopped"), rolld.tail());
    }

    @Test
    void stop_whenADescendantOutlivesRolld_reportsAndKillsIt() {
        int port = FreePorts.one();
        Rolld rolld = Rolld.launch(standIn(Integer.toString(port), "leak"), Project.root(),
                "stand-in-leak");
        try {
            rolld.awaitLine("event=ready", WAIT);
            ListeningSockets.awaitAccepting(port, WAIT, "the stand-in's worker");
            long worker = ListeningSockets.pidListeningOn(port).orElseThrow();

            Rolld.Shutdown shutdown = rolld.stop(Duration.ofSeconds(5));

            assertEquals(Optional.of(0), shutdown.exitCode(), rolld.tail());
            assertEquals(1, shutdown.survivors().size(), shutdown.toString());
            assertTrue(shutdown.survivors().getFirst().startsWith(worker + " "), shutdown.toString());
            ProcessAssertions.assertGone(List.of(worker), Duration.ofSeconds(1));
            assertThrows(AssertionError.class, rolld::close, "close() must fail a test that leaked a process");
        } finally {
            rolld.stop(Duration.ofSeconds(5)); // idempotent; kills everything if an assertion above failed
        }
    }

    @Test
    void awaitLine_whenNoLineMatches_failsWithTheLastLines() {
        int port = FreePorts.one();
        try (Rolld rolld = Rolld.launch(standIn(Integer.toString(port)), Project.root(),
                "stand-in-timeout")) {
            rolld.awaitLine("event=ready", WAIT);

            AssertionError error = assertThrows(AssertionError.class,
                    () -> rolld.awaitLine("event=never", Duration.ofMillis(200)));

            assertTrue(error.getMessage().contains("event=ready groups=1"), error.getMessage());
            assertTrue(error.getMessage().contains("timed out after 200 ms"), error.getMessage());
        }
    }

    @Test
    void awaitLine_whenRolldExitsWhileAChildKeepsItsOutputOpen_failsAtOnceWithTheExitCodeAndTail() {
        // The child holds the output pipe, so the end of the output never comes: only rolld's exit tells.
        Rolld rolld = Rolld.launch(List.of("/bin/bash", "-c",
                "sleep 60 & echo \"child=$! event=control_socket_failed reason=too_long\"; exit 7"), Project.root(), "stand-in-exit");
        try {
            rolld.awaitLine("child=", WAIT);
            long start = System.nanoTime();

            AssertionError error = assertThrows(AssertionError.class,
                    () -> rolld.awaitLine("event=ready", Duration.ofSeconds(90)));

            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(Duration.ofSeconds(20)) < 0, "waited " + waited + " for a line after rolld exited");
            assertTrue(error.getMessage().contains("rolld exited with code 7"), error.getMessage());
            assertTrue(error.getMessage().contains("event=control_socket_failed"), error.getMessage());
        } finally {
            String child = rolld.lines().isEmpty() ? "" : rolld.lines().getFirst().replaceAll("child=(\\d+).*", "$1");
            if (child.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(child)).ifPresent(ProcessHandle::destroyForcibly);
            }
            rolld.stop(Duration.ofSeconds(5));
        }
    }

    /**
     * The stand-in's command line. Through {@code env --default-signal=HUP}: a shell cannot trap a
     * signal that was ignored when it started, and a suite run under nohup ignores HUP.
     */
    private List<String> standIn(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("env", "--default-signal=HUP", standInScript().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private Path standInScript() {
        try {
            Path script = dir.resolve("rolld-stand-in");
            Files.writeString(script, STAND_IN.replace("$ROLLD_ROOT", Project.root().toString()));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            return script;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
