package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.Deployment;
import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code rolld reexec} on a real install: a copy of the launcher and the jar in a scratch
 * directory, upgraded in place the way a package manager would (a new jar renamed over the old
 * one), under load through nginx.
 */
class ReexecIT {
    private static final Duration CLIENT = Duration.ofSeconds(150);
    private static final String NEW_VERSION = "9.9.9-reexec-test";

    @Test
    void reexec_afterANewBuildIsInstalled_keepsPidAndWorkersAndRunsTheNewVersionWithoutAFailedRequest() throws Exception {
        Install install = Install.copy("upgrade");
        try (Deployment d = Deployment.start(install.launcher(), "reexec-upgrade", 4, "ready_timeout: 20s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 8, Duration.ofMinutes(4), 5_000_000)) {
            Map<String, Object> before = status(install, d);
            List<Long> workers = pids(before);
            assertEquals(4, workers.size(), before.toString());
            String oldVersion = String.valueOf(daemon(before).get("version"));
            load.awaitCompleted(200, Duration.ofSeconds(30));

            install.replaceJar(withVersion(install.jar(), NEW_VERSION));
            Client reexec = run(install, "reexec", "--timeout", "120s", "-c", d.config().toString());
            assertEquals(0, reexec.exitCode(), reexec.output() + "\n" + d.rolld().tail());
            assertTrue(reexec.output().contains(oldVersion + " -> " + NEW_VERSION), reexec.output());

            Map<String, Object> after = status(install, d);
            assertEquals(d.rolld().pid(), ((Number) daemon(after).get("pid")).longValue(), "same pid: " + after);
            assertTrue(d.rolld().isAlive());
            assertEquals(NEW_VERSION, daemon(after).get("version"), after.toString());
            assertEquals(4, ((Number) daemon(after).get("adopted")).intValue(), after.toString());
            assertEquals(new HashSet<>(workers), new HashSet<>(pids(after)), "workers untouched: " + after);
            d.rolld().awaitLine("event=group_adopted group=app generation=1 adopted=4 recorded=4", Duration.ofSeconds(5));

            long served = load.report().requests();
            load.awaitCompleted(served + 200, Duration.ofSeconds(30)); // traffic flows after the exec
            Deployment.Outcome next = d.hup();
            assertTrue(next.succeeded(), next.line());
            assertEquals(new HashSet<>(workers), new HashSet<>(next.oldPids()), next.line());
            served = load.report().requests();
            load.awaitCompleted(served + 200, Duration.ofSeconds(30));

            HttpLoadReport report = load.stop();
            System.out.println("ReexecIT upgrade under load: " + report);
            assertEquals(0, report.non2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
            assertTrue(report.pids().containsAll(next.pids()), "the generation after the exec served: " + report.pids());
        }
    }

    @Test
    void reexec_whenTheJarOnDiskIsCorrupt_isRefusedAndTheRunningDaemonCarriesOn() throws Exception {
        Install install = Install.copy("corrupt");
        try (Deployment d = Deployment.start(install.launcher(), "reexec-corrupt", 2, "ready_timeout: 20s")) {
            Map<String, Object> before = status(install, d);
            Path broken = install.root().resolve("broken.jar");
            Files.writeString(broken, "not a jar: a half-copied upgrade\n");
            install.replaceJar(broken);

            // The client is the repository's build: the broken install cannot run one.
            Client reexec = run(Project.root().resolve("scripts/rolld"), "reexec", "--timeout", "120s", "-c", d.config().toString());
            assertEquals(8, reexec.exitCode(), reexec.output());
            assertTrue(reexec.output().contains("Invalid or corrupt jarfile"), reexec.output());
            assertTrue(reexec.output().contains("reexec_refused") && reexec.output().contains("check"), reexec.output());
            d.rolld().awaitLine("event=reexec_refused .*carries on", Duration.ofSeconds(5));

            Map<String, Object> after = status(Project.root().resolve("scripts/rolld"), d);
            assertEquals(daemon(before).get("started"), daemon(after).get("started"), "not re-executed: " + after);
            assertEquals(pids(before), pids(after), "workers untouched");
            Deployment.Outcome next = d.hup();
            assertTrue(next.succeeded(), next.line());
        }
    }

    @Test
    void usr2_withHeldSockets_passesTheSocketsAcrossTheExecAndKeepsServingStraightAtThem() throws Exception {
        int port = FreePorts.distinct(1).getFirst();
        Path yml = HeldGroupYaml.write("reexec", port, Duration.ofSeconds(10), "  workers: 2\n  ready: alive 1s\n");
        try (Rolld rolld = Rolld.start(yml)) {
            rolld.awaitLine("event=ready ", CLIENT);
            List<ProcessHandle> workers = rolld.descendants().stream()
                    .filter(p -> p.info().commandLine().orElse("").contains("app.py")).toList();
            assertEquals(2, workers.size(), workers.toString());
            String socket = socketOf(workers.getFirst().pid());
            try (HttpLoad load = HttpLoad.start(port, 8, Duration.ofMinutes(3), 5_000_000)) {
                load.awaitCompleted(200, Duration.ofSeconds(30));
                int from = rolld.lines().size();
                rolld.signal("USR2");
                rolld.awaitLineAfter(from, "event=reexec .*held_sockets=app/app", CLIENT);
                rolld.awaitLineAfter(from, "event=reexeced ", CLIENT);
                String adopted = rolld.awaitLineAfter(from, "event=group_adopted group=app ", CLIENT);
                assertTrue(adopted.contains("adopted=2 recorded=2"), adopted);
                rolld.awaitLineAfter(from, "event=ready ", CLIENT);
                // Adoption held the descriptors that crossed the exec: none was left over to close.
                assertTrue(rolld.lines().subList(from, rolld.lines().size()).stream().noneMatch(l -> l.contains("passed_sockets_closed")),
                        rolld.tail());
                assertTrue(heldBy(rolld.pid()).contains(socket), "rolld holds " + socket + " after the exec: " + heldBy(rolld.pid()));
                load.awaitCompleted(load.report().requests() + 300, Duration.ofSeconds(30));

                int hup = rolld.lines().size();
                rolld.signal("HUP");
                Deployment.Outcome next = Deployment.Outcome.parse(rolld.awaitLineAfter(hup, "event=rollout_(succeeded|failed) group=app ", CLIENT));
                assertTrue(next.succeeded(), next.line() + "\n" + rolld.tail());
                for (long pid : next.pids()) {
                    assertEquals(socket, socketOf(pid), "the next generation holds the same socket");
                }
                load.awaitCompleted(load.report().requests() + 300, Duration.ofSeconds(30));
                HttpLoadReport report = load.stop();
                System.out.println("ReexecIT held sockets, USR2 then HUP: " + report);
                assertEquals(0, report.non2xx(), report.toString());
                assertEquals(0, report.errors(), report.toString());
            }
        }
    }

    @Test
    void reexec_duringARollout_waitsForItToEndAndGivesUpAtTheTimeout() throws Exception {
        Path launcher = Project.root().resolve("scripts/rolld");
        try (Deployment d = Deployment.start("reexec-busy", 2, "ready_timeout: 90s")) {
            Map<String, Object> before = status(launcher, d);
            // The next generation answers 500 while the file exists: its rollout stays in CHECKING
            // until the test removes it, however fast or slow the machine is.
            Path holding = Files.createFile(d.dir().resolve("hold"));
            d.env("APP_FAIL_FILE", holding.toString());
            int from = d.rolld().lines().size();
            d.rolld().signal("HUP");
            d.rolld().awaitLineAfter(from, "event=transition group=app generation=2 state=CHECKING", CLIENT);

            Client tooShort = run(launcher, "reexec", "--timeout", "2s", "-c", d.config().toString());
            assertEquals(4, tooShort.exitCode(), tooShort.output());
            assertEquals(daemon(before).get("started"), daemon(status(launcher, d)).get("started"), "not re-executed");

            Files.delete(holding);
            Client patient = run(launcher, "reexec", "--timeout", "120s", "-c", d.config().toString());
            assertEquals(0, patient.exitCode(), patient.output() + "\n" + d.rolld().tail());
            List<String> log = d.rolld().lines().subList(from, d.rolld().lines().size());
            int succeeded = indexOf(log, "event=rollout_succeeded group=app generation=2");
            int exec = indexOf(log, "event=reexec ");
            assertTrue(succeeded >= 0 && exec > succeeded, "the exec came after the rollout ended:\n" + String.join("\n", log));
            assertEquals(Deployment.Outcome.parse(log.get(succeeded)).pids().stream().sorted().toList(), pids(status(launcher, d)),
                    "the new generation's workers, untouched by the exec");
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static String socketOf(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", "3")).toString();
    }

    private static List<String> heldBy(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";
                }
            }).toList();
        }
    }

    /** A copy of scripts/rolld, its lib and the built jar: what a package installs. */
    private record Install(Path root, Path jar) {
        static Install copy(String name) throws IOException {
            Path root = Project.scratch("reexec").resolve(name + "-" + System.nanoTime());
            Files.createDirectories(root.resolve("scripts/lib"));
            Files.createDirectories(root.resolve("target"));
            Files.copy(Project.root().resolve("scripts/rolld"), root.resolve("scripts/rolld"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(Project.root().resolve("scripts/lib/jdk.sh"), root.resolve("scripts/lib/jdk.sh"));
            Path built;
            try (Stream<Path> jars = Files.list(Project.root().resolve("target"))) {
                built = jars.filter(p -> p.getFileName().toString().matches("rolld-.*\\.jar")).findFirst()
                        .orElseThrow(() -> new AssertionError("no target/rolld-*.jar: run mvn package first"));
            }
            Path jar = root.resolve("target").resolve(built.getFileName());
            Files.copy(built, jar);
            return new Install(root, jar);
        }

        Path launcher() {
            return root.resolve("scripts/rolld");
        }

        /** An upgrade as a package manager does it: the new file renamed over the old one. */
        void replaceJar(Path next) throws IOException {
            Path staged = root.resolve("target/.staged.jar");
            Files.copy(next, staged, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, jar(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** A copy of {@code jar} whose manifest says {@code version}: a different build on disk. */
    private static Path withVersion(Path jar, String version) throws IOException {
        Path out = jar.resolveSibling("rebuilt-" + version + ".jar.tmp");
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
            try (OutputStream file = Files.newOutputStream(out); JarOutputStream target = new JarOutputStream(file, manifest)) {
                for (JarEntry e : in.stream().toList()) {
                    if (e.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    target.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream data = in.getInputStream(e)) {
                        data.transferTo(target);
                    }
                    target.closeEntry();
                }
            }
        }
        return out;
    }

    private record Client(int exitCode, String output) {
    }

    private static Client run(Install install, String... args) {
        return run(install.launcher(), args);
    }

    private static Client run(Path launcher, String... args) {
        List<String> command = Stream.concat(Stream.of(launcher.toString()), Stream.of(args)).toList();
        try (Rolld client = Rolld.launch(command, Project.root(), args[0])) {
            int code = client.awaitExit(CLIENT);
            return new Client(code, String.join("\n", client.lines()));
        }
    }

    private static Map<String, Object> status(Install install, Deployment d) throws IOException {
        return status(install.launcher(), d);
    }

    private static Map<String, Object> status(Path launcher, Deployment d) throws IOException {
        Client c = run(launcher, "status", "--json", "-c", d.config().toString());
        int start = c.output().indexOf("\n{");
        if (!c.output().startsWith("{") && start < 0) {
            throw new AssertionError("no JSON from status: " + c.output());
        }
        return JSON.std.mapFrom(c.output().substring(c.output().startsWith("{") ? 0 : start + 1));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> daemon(Map<String, Object> status) {
        return (Map<String, Object>) status.get("daemon");
    }

    @SuppressWarnings("unchecked")
    private static List<Long> pids(Map<String, Object> status) {
        List<Map<String, Object>> groups = (List<Map<String, Object>>) status.get("groups");
        return groups.getFirst().get("workers") instanceof List<?> workers
                ? workers.stream().map(w -> ((Number) ((Map<String, Object>) w).get("pid")).longValue()).sorted().toList()
                : List.of();
    }
}
