package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * rolld's release as {@code scripts/package --no-build} makes it from the jar this build made:
 * the tarball and the .deb, built once per version and test run, in {@code target/it/package/VERSION}.
 */
public final class Packages {
    /** Packaging runs jlink, two AOT training runs, go-md2man, dpkg-deb and lintian: minutes on a busy machine. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(12);
    private static final Map<String, Build> BUILT = new ConcurrentHashMap<>();

    /** One version's files. */
    public record Build(String version, Path tarball, Path deb) {
    }

    /** The version tests install first; {@link #SECOND} upgrades it. */
    public static final String FIRST = "0.1.0~it1";
    public static final String SECOND = "0.1.0~it2";

    private Packages() {
    }

    /** {@link #FIRST}, checked by lintian: what a user installs. */
    public static Build first() {
        return of(FIRST, true);
    }

    /** {@link #SECOND}: only needs to differ from the first (lintian checked that build already). */
    public static Build second() {
        return of(SECOND, false);
    }

    /** The package of {@code version} (lintian checks it when {@code lintian}); built at the first call for it. */
    private static Build of(String version, boolean lintian) {
        return BUILT.computeIfAbsent(version, v -> build(v, lintian));
    }

    private static Build build(String version, boolean lintian) {
        Path out = Project.scratch("package").resolve(version);
        Path log = Project.scratch("package").resolve(version + ".log");
        List<String> command = new ArrayList<>(List.of(Project.root().resolve("scripts/package").toString(),
                "--no-build", "--version", version, "--out", out.toString()));
        if (!lintian) {
            command.add("--no-lintian");
        }
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
}
