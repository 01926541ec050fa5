package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * rolld's release as {@code scripts/package --no-build} makes it from the jar this build made:
 * the tarball and the .deb of {@link #FIRST}, built once per test run in
 * {@code target/it/package/VERSION}; and the .deb of {@link #SECOND}, the first one re-stamped.
 */
public final class Packages {
    /** Packaging runs jlink, two AOT training runs, go-md2man, dpkg-deb and lintian: minutes on a busy machine. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(12);
    private static final Path JAR = Path.of("usr/lib/rolld/lib/rolld.jar");
    private static final List<Path> AOT_CACHES = List.of(Path.of("usr/lib/rolld/lib/daemon.aot"), Path.of("usr/lib/rolld/lib/client.aot"));
    private static final Map<String, Build> BUILT = new ConcurrentHashMap<>();
    private static final Map<String, Path> RESTAMPED = new ConcurrentHashMap<>();

    /** One version's files. */
    public record Build(String version, Path tarball, Path deb) {
    }

    /** The version tests install first; {@link #SECOND} upgrades it. */
    /** The machine's one {@code rolld} package: the classes that install it hold this lock, so never two at once. */
    public static final String SYSTEM_PACKAGE = "the rolld package of this machine";
    public static final String FIRST = "0.1.0~it1";
    public static final String SECOND = "0.1.0~it2";

    private Packages() {
    }

    /** {@link #FIRST}, checked by lintian: what a user installs. */
    public static Build first() {
        return BUILT.computeIfAbsent(FIRST, Packages::build);
    }

    /**
     * The .deb of {@link #SECOND}: {@link #first()}'s, its version changed where dpkg and
     * {@code rolld --version} read it (the control file, the jar's manifest), so it is another
     * build of rolld (another jar) in seconds instead of a second scripts/package run. It carries
     * no AOT caches: the first build's were recorded for the first jar, and bin/rolld runs without
     * a cache when there is none.
     */
    public static Path second() {
        Build first = first();
        return RESTAMPED.computeIfAbsent(SECOND, version -> restamp(first.deb(), version));
    }

    private static Build build(String version) {
        Path out = Project.scratch("package").resolve(version);
        Path log = Project.scratch("package").resolve(version + ".log");
        List<String> command = List.of(Project.root().resolve("scripts/package").toString(), "--no-build", "--version", version,
                "--out", out.toString());
        try {
            Files.createDirectories(out);
            Process p = new ProcessBuilder(command).directory(Project.root().toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            boolean done;
            try {
                done = p.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            }
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("scripts/package " + version + " still running after " + BUILD_TIMEOUT + "; log: " + log
                        + "\n" + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("scripts/package " + version + " exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Build build = new Build(version, out.resolve("rolld-" + version + "-linux-x86_64.tar.gz"),
                    out.resolve("rolld_" + version + "_amd64.deb"));
            if (!Files.isRegularFile(build.tarball()) || !Files.isRegularFile(build.deb())) {
                throw new AssertionError("scripts/package " + version + " did not write " + build + ":\n" + Files.readString(log));
            }
            return build;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code deb} unpacked (dpkg-deb -R), given {@code version}, and packed again (uncompressed: quicker, and dpkg takes it). */
    private static Path restamp(Path deb, String version) {
        Path dir = Project.scratch("package").resolve(version);
        Path tree = dir.resolve("tree");
        Path restamped = dir.resolve("rolld_" + version + "_amd64.deb");
        try {
            if (Files.exists(dir)) {
                Project.delete(dir);
            }
            Files.createDirectories(dir);
            require(Command.run("dpkg-deb", "-R", deb.toString(), tree.toString()));
            Path control = tree.resolve("DEBIAN/control");
            Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
            stampManifest(tree.resolve(JAR), version);
            for (Path cache : AOT_CACHES) {
                Files.delete(tree.resolve(cache));
            }
            Path md5sums = tree.resolve("DEBIAN/md5sums");
            List<String> sums = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(md5sums)) {
                Path file = Path.of(line.substring(line.indexOf("  ") + 2));
                if (file.equals(JAR)) {
                    sums.add(md5(tree.resolve(JAR)) + "  " + JAR);
                } else if (!AOT_CACHES.contains(file)) {
                    sums.add(line);
                }
            }
            Files.write(md5sums, sums);
            require(Command.run("dpkg-deb", "--root-owner-group", "-Znone", "-b", tree.toString(), restamped.toString()));
            Project.delete(tree);
            return restamped;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the jar's {@code Implementation-Version}, which {@code rolld --version} and every re-exec's check read. */
    private static void stampManifest(Path jar, String version) throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Path manifest = zip.getPath("META-INF/MANIFEST.MF");
            String stamped = Files.readString(manifest).replaceFirst("(?m)^Implementation-Version: .*$", "Implementation-Version: " + version);
            if (!stamped.contains("Implementation-Version: " + version + "\r\n")) {
                throw new AssertionError("no Implementation-Version in " + jar + "'s manifest:\n" + Files.readString(manifest));
            }
            Files.writeString(manifest, stamped);
        }
    }

    private static String md5(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void require(Command command) {
        if (command.exitCode() != 0) {
            throw new AssertionError(command.output());
        }
    }
}
