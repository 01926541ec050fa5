package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.FreePorts;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control socket admits only its owner; nothing from rolld's environment reaches its output. */
class SecurityIT {
    private static final String SECRET = "s3cr3t-" + System.nanoTime();
    /** Generous: a JVM start alone took over 60 s while a full suite ran on the 2 cores. */
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void controlSocket_is0600AndRefusesAnotherUser_andNoSecretFromTheEnvironmentIsLogged() throws Exception {
        Path dir = Files.createDirectories(Project.scratch("security").resolve("run-" + System.nanoTime()));
        List<Integer> ports = FreePorts.distinct(2);
        Path flag = dir.resolve("fail-hook");
        Path yml = dir.resolve("rolld.yml");
        Files.writeString(yml, """
                app:
                  cmd: 'python3 app.py {numproc}'
                  directory: '%s'
                  stop_timeout: 1s
                  workset:
                    - numprocs: [%d]
                    - numprocs: [%d]
                  smoke_test:
                    - check_all_http_ports: numprocs
                  after_start:
                    - run_proc: 'test ! -e %s'
                """.formatted(Project.example(), ports.get(0), ports.get(1), flag));
        try (Rolld rolld = Rolld.launch(List.of("env", "ROLLD_TEST_SECRET=" + SECRET,
                Project.root().resolve("scripts/rolld").toString(), yml.toString()), Project.root(), "security")) {
            rolld.awaitLine("event=ready ", WAIT);
            Path socket = dir.resolve(".rolld/rolld.sock");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            String asNobody = runAs("nobody", "/usr/bin/python3", "-c", """
                    import os, socket, sys
                    s = socket.socket(socket.AF_UNIX)
                    try:
                        # By its name in its directory: from a deep checkout the full path is longer than
                        # AF_UNIX allows, which would fail for another reason than the permissions.
                        os.chdir(os.path.dirname(sys.argv[1]))
                        s.connect(os.path.basename(sys.argv[1]))
                        print("connected")
                    except OSError as e:
                        print("refused:", type(e).__name__)
                    """, socket.toString());
            assertEquals("refused: PermissionError", asNobody);

            Files.createFile(flag); // the next rollout's hook fails, showing its output
            List<String> restart = client(yml, "restart", "--wait");
            assertTrue(restart.getLast().startsWith("exit 1"), String.join("\n", restart));
            List<String> status = client(yml, "status", "--json");
            assertTrue(status.getLast().startsWith("exit 0"), String.join("\n", status));

            List<String> everything = new ArrayList<>(rolld.lines());
            everything.addAll(restart);
            everything.addAll(status);
            assertFalse(everything.stream().anyMatch(l -> l.contains(SECRET)), "a secret leaked: " + rolld.tail());
        }
    }

    /**
     * The workers run as nobody:nogroup. The app is copied to a directory nobody can enter: the
     * checkout itself may be private (mode 0700), and a refusal then is the next test's subject.
     */
    @Test
    void userAndGroup_runTheWorkersWithThoseIds() throws Exception {
        Path dir = Files.createDirectories(Project.scratch("security").resolve("run-as-" + System.nanoTime()));
        Path app = Files.createTempDirectory("rolld-run-as-");
        try {
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(Project.example().resolve("app.py"), app.resolve("app.py"));
            Files.setPosixFilePermissions(app.resolve("app.py"), PosixFilePermissions.fromString("rw-r--r--"));
            List<Integer> ports = FreePorts.distinct(2);
            Path yml = dir.resolve("rolld.yml");
            Files.writeString(yml, runAsNobody(app, ports));
            try (Rolld rolld = Rolld.start(yml)) {
                String ready = rolld.awaitLine("event=rollout_succeeded group=app generation=1 ", WAIT);
                long pid = Long.parseLong(ready.replaceAll(".* pids=(\\d+).*", "$1"));
                String status = Files.readString(Path.of("/proc/" + pid + "/status"));
                assertEquals("nobody", ProcessHandle.of(pid).orElseThrow().info().user().orElse("?"), status);
                int nobody = Integer.parseInt(runAs("nobody", "/usr/bin/id", "-u"));
                int nogroup = Integer.parseInt(runAs("nobody", "/usr/bin/id", "-g"));
                assertTrue(status.contains("\nUid:\t" + nobody + "\t" + nobody + "\t"), status);
                assertTrue(status.contains("\nGid:\t" + nogroup + "\t" + nogroup + "\t"), status);
            }
        } finally {
            Files.deleteIfExists(app.resolve("app.py"));
            Files.deleteIfExists(app);
        }
    }

    /**
     * A user that cannot enter the group's directory is refused before any worker starts, with
     * the directory in the way, its mode and its owner (not a worker dying with "Permission denied").
     */
    @Test
    void userWhoCannotEnterTheDirectory_isRefusedWithThePathAndItsMode_beforeAnyWorkerStarts() throws Exception {
        Path dir = Files.createDirectories(Project.scratch("security").resolve("private-" + System.nanoTime()));
        Path app = Files.createTempDirectory("rolld-private-"); // outside the checkout, so this is the first directory in the way
        try {
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwx------"));
            Files.copy(Project.example().resolve("app.py"), app.resolve("app.py"));
            Path yml = dir.resolve("rolld.yml");
            Files.writeString(yml, runAsNobody(app, FreePorts.distinct(2)));
            try (Rolld rolld = Rolld.start(yml)) {
                assertEquals(1, rolld.awaitExit(WAIT), rolld.tail());
                String failed = rolld.awaitLine("event=rollout_failed group=app generation=1 ", WAIT);
                String owner = Files.getOwner(app).getName();
                assertTrue(failed.contains("user nobody (uid ") && failed.contains(" cannot enter " + app.toRealPath() + " (drwx------ " + owner + ":"),
                        failed);
                assertFalse(rolld.lines().stream().anyMatch(l -> l.contains("event=worker_started")), "no worker started: " + rolld.tail());
            }
        } finally {
            Files.deleteIfExists(app.resolve("app.py"));
            Files.deleteIfExists(app);
        }
    }

    private static String runAsNobody(Path directory, List<Integer> ports) {
        return """
                app:
                  cmd: '/usr/bin/python3 app.py {numproc}'
                  directory: '%s'
                  user: nobody
                  group: nogroup
                  stop_timeout: 1s
                  workset:
                    - numprocs: [%d]
                    - numprocs: [%d]
                  smoke_test:
                    - check_all_http_ports: numprocs
                """.formatted(directory, ports.get(0), ports.get(1));
    }

    /** Runs a command as {@code user} through setpriv (util-linux); returns its output, stripped. */
    private static String runAs(String user, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=nogroup", "--clear-groups", "--"));
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }

    /** {@code scripts/rolld ARGS -c yml}: its output lines, then "exit N". */
    private static List<String> client(Path yml, String... args) {
        List<String> command = new ArrayList<>(List.of(Project.root().resolve("scripts/rolld").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-c", yml.toString()));
        try (Rolld client = Rolld.launch(command, Project.root(), "security-client")) {
            int code = client.awaitExit(WAIT);
            List<String> lines = new ArrayList<>(client.lines());
            lines.add("exit " + code);
            return lines;
        }
    }
}
