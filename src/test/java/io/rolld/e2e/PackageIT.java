package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.Account;
import io.rolld.testing.Command;
import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.NoJdk;
import io.rolld.testing.Packages;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The release as a user installs it (scripts/package, built once; the upgrade is its .deb
 * re-stamped with another version, {@link Packages#second()}):
 * the .deb with dpkg on this machine (root only: CI runs as root), upgraded under load while its
 * rolld runs, removed, purged; and the tarball unpacked and run by an unprivileged user (as root:
 * nobody, nginx too). Every rolld here runs with no JDK reachable ({@link NoJdk}).
 */
@ResourceLock(Packages.SYSTEM_PACKAGE) // beside any other class, but never with the other that installs the package
class PackageIT {
    private static final String FIRST = Packages.FIRST;
    private static final String SECOND = Packages.SECOND;
    private static final Path PACKAGED = Path.of("/usr/bin/rolld");

    private static Packages.Build first;
    private static Path second;

    @BeforeAll
    static void build() {
        first = Packages.first();
        second = Packages.second();
    }

    @Test
    void deb_installsStartsNothing_servesWithoutAJdk_upgradesInPlaceUnderLoad_removeStopsNothing_purgeLeavesNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "dpkg -i needs root (CI runs as root)");
        Command already = run(List.of("dpkg-query", "-W", "-f", "${Status}", "rolld"));
        assertFalse(already.output().contains("install ok installed"),
                "a rolld package is installed on this machine already; this test installs and purges its own, so it does not touch it");
        List<Path> files = packageFiles(first.deb());
        Set<Path> before = new HashSet<>(files.stream().filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).toList());
        Path scratch = Files.createDirectories(Project.scratch("package").resolve("deb-" + System.nanoTime()));
        Path rolld = NoJdk.launcher(scratch, "rolld", PACKAGED);
        try {
            Command install = run(List.of("dpkg", "-i", first.deb().toString()));
            assertEquals(0, install.exitCode(), install.output());
            assertEquals(List.of(), packagedDaemons(), "the install started no daemon");
            for (String path : List.of("/usr/bin/rolld", "/usr/lib/rolld/runtime/bin/java", "/usr/lib/rolld/lib/daemon.aot",
                    "/usr/lib/rolld/lib/client.aot", "/lib/systemd/system/rolld.service", "/lib/systemd/system/rolld@.service",
                    "/usr/share/man/man1/rolld.1.gz", "/usr/share/man/man5/rolld.yml.5.gz", "/usr/share/bash-completion/completions/rolld",
                    "/usr/share/doc/rolld/copyright", "/usr/share/doc/rolld/changelog.gz", "/etc/rolld/example.yml")) {
                assertTrue(Files.exists(Path.of(path)), path + " installed");
            }
            assertTrue(Files.readString(Path.of("/var/lib/dpkg/info/rolld.conffiles")).contains("/etc/rolld/example.yml"));
            assertPackagedRuns(rolld, FIRST);
            Command example = run(List.of(rolld.toString(), "check", "/etc/rolld/example.yml"));
            assertEquals(0, example.exitCode(), example.output());

            try (Deployment d = Deployment.start(rolld, "package-deb", 4, "ready_timeout: 30s");
                 HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(8), 5_000_000)) {
                load.awaitCompleted(200, Duration.ofSeconds(60));
                Deployment.Outcome hup = d.hup();
                assertTrue(hup.succeeded(), hup.line() + "\n" + d.rolld().tail());
                Map<String, Object> running = status(rolld, d);
                assertEquals(FIRST, daemon(running).get("version"), running.toString());
                assertEquals(d.rolld().pid(), ((Number) daemon(running).get("pid")).longValue());
                assertEquals(List.of(d.rolld().pid()), packagedDaemons(), "the test's rolld is the package's");

                // A refused re-exec: the new build rejects the rolld.yml on disk; the old daemon carries on.
                String good = Files.readString(d.config());
                Files.writeString(d.config(), good + "  no_such_key: 1\n");
                Command refused = run(List.of("dpkg", "-i", second.toString()));
                assertEquals(0, refused.exitCode(), refused.output());
                assertTrue(refused.output().contains("refused the new version and keeps running the old one")
                        && refused.output().contains("no_such_key"), refused.output());
                Files.writeString(d.config(), good);
                Map<String, Object> kept = status(rolld, d);
                assertEquals(FIRST, daemon(kept).get("version"), kept.toString());
                assertEquals(daemon(running).get("started"), daemon(kept).get("started"), "not re-executed: " + kept);
                load.awaitCompleted(load.report().requests() + 200, Duration.ofSeconds(60));

                // The upgrade: the same version again (dpkg -i of an installed package upgrades it), now accepted.
                Command upgrade = run(List.of("dpkg", "-i", second.toString()));
                assertEquals(0, upgrade.exitCode(), upgrade.output());
                assertTrue(upgrade.output().contains("re-executing " + FIRST + " -> " + SECOND), upgrade.output());
                Map<String, Object> upgraded = status(rolld, d);
                assertEquals(SECOND, daemon(upgraded).get("version"), upgraded.toString());
                assertEquals(d.rolld().pid(), ((Number) daemon(upgraded).get("pid")).longValue(), "same pid: " + upgraded);
                assertEquals(workerPids(running), workerPids(upgraded), "same workers: " + upgraded);
                load.awaitCompleted(load.report().requests() + 200, Duration.ofSeconds(60));

                Command remove = run(List.of("dpkg", "-r", "rolld"));
                assertEquals(0, remove.exitCode(), remove.output());
                assertTrue(d.rolld().isAlive(), "dpkg -r stopped rolld");
                assertEquals(workerPids(running), workerPids(d), "dpkg -r touched the workers");
                load.awaitCompleted(load.report().requests() + 200, Duration.ofSeconds(60));

                HttpLoadReport report = load.stop();
                System.out.println("PackageIT deb: HUP, refused upgrade, upgrade, remove under load: " + report);
                assertEquals(0, report.failed(), report.toString());
                Rolld.Shutdown stop = d.rolld().stop(Duration.ofSeconds(60));
                assertTrue(stop.clean(), stop.toString());
                assertEquals(0, stop.exitCode().orElseThrow(), stop.toString());
            }

            Command purge = run(List.of("dpkg", "--purge", "rolld"));
            assertEquals(0, purge.exitCode(), purge.output());
            List<Path> left = files.stream().filter(p -> !before.contains(p) && Files.exists(p, LinkOption.NOFOLLOW_LINKS)).toList();
            assertEquals(List.of(), left, "files of the package left after dpkg --purge");
            assertFalse(Files.exists(Path.of("/etc/rolld")), "/etc/rolld left after dpkg --purge");
        } finally {
            run(List.of("dpkg", "--purge", "rolld")); // the machine as the test found it, whatever failed
        }
    }

    @Test
    void tarball_unpackedByAnUnprivilegedUser_servesWithoutAJdk_rollsUnderLoad_answersStatus_stopsOnTerm() throws Exception {
        // As root (CI): nobody unpacks and runs everything, nginx included, in a directory of its own under /tmp.
        Account account = Account.unprivileged();
        Path perfData = Path.of("/tmp/hsperfdata_" + account.user()); // made by the JVM of the first rolld of that user
        boolean perfDataBefore = Files.exists(perfData);
        Path home = account.newHome("package-tarball");
        try {
            Path tarball = Files.copy(first.tarball(), home.resolve(first.tarball().getFileName()));
            Path place = account.own(Files.createDirectories(home.resolve("some/place/of/the/users")));
            Command unpack = run(account.command(List.of("tar", "-xzf", tarball.toString(), "-C", place.toString())));
            assertEquals(0, unpack.exitCode(), unpack.output());
            Path install = place.resolve("rolld-" + FIRST);
            assertEquals(account.uid(), (int) Files.getAttribute(install.resolve("bin/rolld"), "unix:uid"), "unpacked by " + account.user());
            for (String path : List.of("bin/rolld", "lib/rolld.jar", "lib/daemon.aot", "lib/client.aot", "share/man/man1/rolld.1.gz",
                    "share/man/man5/rolld.yml.5.gz", "share/bash-completion/completions/rolld", "share/systemd/rolld.service",
                    "share/systemd/rolld@.service", "example/app.py")) {
                assertTrue(Files.exists(install.resolve(path)), path + " in the tarball");
            }
            String modules = Files.readAllLines(install.resolve("runtime/release")).stream().filter(l -> l.startsWith("MODULES="))
                    .findFirst().orElseThrow();
            assertTrue(modules.contains("java.base") && !modules.contains("java.desktop"), "only the modules rolld uses: " + modules);
            Path rolld = NoJdk.launcher(home, "rolld", install.resolve("bin/rolld"), account);
            assertPackagedRuns(rolld, FIRST);

            try (Deployment d = Deployment.startAs(account, home, rolld, install.resolve("example/app.py"), "deployment", 2,
                    "ready_timeout: 30s");
                 HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(5), 5_000_000)) {
                assertEquals("rolld", Files.readString(Path.of("/proc", Long.toString(d.rolld().pid()), "comm")).strip());
                load.awaitCompleted(200, Duration.ofSeconds(60));
                Deployment.Outcome hup = d.hup();
                assertTrue(hup.succeeded(), hup.line() + "\n" + d.rolld().tail());
                load.awaitCompleted(load.report().requests() + 200, Duration.ofSeconds(60));
                Map<String, Object> status = status(rolld, d);
                assertEquals(FIRST, daemon(status).get("version"), status.toString());
                assertEquals(2, workerPids(status).size(), status.toString());
                List<Long> processes = new ArrayList<>(List.of(d.rolld().pid(), d.nginx().pid()));
                processes.addAll(d.nginx().workerPids());
                processes.addAll(workerPids(status));
                for (long pid : processes) {
                    assertEquals(account.uid(), Account.uidOf(pid), "pid " + pid + " runs as " + account.user() + ": " + status);
                }
                HttpLoadReport report = load.stop();
                System.out.println("PackageIT tarball as " + account.user() + ": HUP under load: " + report);
                assertEquals(0, report.failed(), report.toString());
                Rolld.Shutdown stop = d.rolld().stop(Duration.ofSeconds(60));
                assertTrue(stop.clean(), stop.toString());
                assertEquals(0, stop.exitCode().orElseThrow(), stop.toString());
            }
        } finally {
            Project.delete(home);
            if (!perfDataBefore && Files.isDirectory(perfData)) {
                try (Stream<Path> left = Files.list(perfData)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(perfData);
                    }
                }
            }
        }
    }

    /** {@code --version} names the version and the commit; both AOT caches load (AOTMode=on fails a JVM whose cache does not). */
    private static void assertPackagedRuns(Path rolld, String version) {
        Command v = run(List.of(rolld.toString(), "--version"), Map.of("ROLLD_JAVA_OPTS", "-XX:AOTMode=on"));
        assertEquals(0, v.exitCode(), v.output());
        assertTrue(v.output().strip().matches("rolld " + java.util.regex.Pattern.quote(version) + " \\(commit [0-9a-f]{12}(-dirty)?\\)"),
                v.output());
        Command client = run(List.of(rolld.toString(), "status", "-c", "/nonexistent/rolld.yml"), Map.of("ROLLD_JAVA_OPTS", "-XX:AOTMode=on"));
        assertEquals(3, client.exitCode(), client.output());
        assertTrue(client.output().contains("cannot find the daemon"), client.output());
    }

    /** Every path the .deb holds, from its own file list. */
    private static List<Path> packageFiles(Path deb) {
        Command list = run(List.of("/bin/sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -t", "sh", deb.toString()));
        assertEquals(0, list.exitCode(), list.output());
        return list.output().lines().map(l -> l.replaceFirst("^\\./", "/").replaceFirst("/$", ""))
                .filter(l -> !l.isEmpty() && !l.equals("/")).map(Path::of).toList();
    }

    /** Pids of the processes named rolld that run the package's jar. */
    private static List<Long> packagedDaemons() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readString(proc.resolve("comm")).strip().equals("rolld")
                            && new String(Files.readAllBytes(proc.resolve("cmdline"))).contains("/usr/lib/rolld/lib/rolld.jar")) {
                        pids.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return pids;
    }

    private static Map<String, Object> status(Path rolld, Deployment d) throws IOException {
        Command c = run(List.of(rolld.toString(), "status", "--json", "-c", d.config().toString()));
        assertEquals(0, c.exitCode(), c.output());
        return JSON.std.mapFrom(c.output().substring(c.output().indexOf('{')));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> daemon(Map<String, Object> status) {
        return (Map<String, Object>) status.get("daemon");
    }

    private static Set<Long> workerPids(Deployment d) throws IOException {
        return new HashSet<>(d.rolld().descendantPids().stream()
                .filter(pid -> ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("").contains("app.py")).toList());
    }

    @SuppressWarnings("unchecked")
    private static Set<Long> workerPids(Map<String, Object> status) {
        Set<Long> pids = new HashSet<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) status.get("groups")) {
            for (Map<String, Object> worker : (List<Map<String, Object>>) group.get("workers")) {
                pids.add(((Number) worker.get("pid")).longValue());
            }
        }
        return pids;
    }

    private static Command run(List<String> command) {
        return Command.run(command, Map.of());
    }

    private static Command run(List<String> command, Map<String, String> env) {
        return Command.run(command, env);
    }

}
