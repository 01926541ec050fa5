package io.rolld.daemon;

import io.rolld.config.PosixSignal;
import io.rolld.os.ErrnoException;
import io.rolld.os.HeldSocketHandover;
import io.rolld.os.ProcessImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The rolld build installed on disk, which a {@link Reexec} replaces this image with: how to start
 * it (this image's command line again, through {@code scripts/rolld} when {@code ROLLD_LAUNCHER}
 * names it, so the launcher finds the new jar), its check, and the execve into it with the held
 * sockets passed on by name ({@code ROLLD_HELD_FDS}).
 *
 * @param program what runs before the arguments (the launcher, or the JVM's command line up to the jar)
 * @param args    rolld's own arguments
 */
record BuildOnDisk(List<String> program, List<String> args) {
    /** The version of the image that exec'd this one, for the new image's first log line. */
    static final String FROM_VARIABLE = "ROLLD_REEXEC_FROM";
    private static final String LAUNCHER_VARIABLE = "ROLLD_LAUNCHER";
    /** A JVM start on a busy 2-core machine, twice (check, then --version). */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> NOT_PASSED_ON = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES",
            HeldSocketHandover.HELD_FDS_VARIABLE, FROM_VARIABLE);

    /** The build cannot be started, or fails its check: the running image carries on. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    BuildOnDisk {
        program = List.copyOf(program);
        args = List.copyOf(args);
    }

    /** From this image's command line: the launcher when {@code scripts/rolld} started us, else the JVM's up to the jar. */
    static BuildOnDisk ofThisImage() throws Unusable {
        List<String> cmdline;
        try {
            cmdline = ProcessImage.commandLine();
        } catch (IOException e) {
            throw new Unusable("cannot read rolld's command line: " + e.getMessage());
        }
        int jar = cmdline.indexOf("-jar");
        if (jar < 0 || jar + 1 >= cmdline.size()) {
            throw new Unusable("rolld was not started with -jar (" + String.join(" ", cmdline)
                    + "): cannot tell how to start the new build");
        }
        String launcher = System.getenv().getOrDefault(LAUNCHER_VARIABLE, "");
        return new BuildOnDisk(launcher.isBlank() ? cmdline.subList(0, jar + 2) : List.of(launcher),
                cmdline.subList(jar + 2, cmdline.size()));
    }

    /** The same command line as this image's. */
    List<String> argv() {
        return with(args);
    }

    private List<String> with(List<String> otherArgs) {
        List<String> all = new ArrayList<>(program);
        all.addAll(otherArgs);
        return all;
    }

    /** The build's answer to {@code check CONFIG}, then its version; {@link Unusable} with its output when it fails. */
    String check(Path config) throws Unusable, InterruptedException {
        run(with(List.of("check", config.toAbsolutePath().toString())), "accept " + config);
        return BuildVersion.fromVersionLine(run(with(List.of("--version")), "tell its version"));
    }

    private static String run(List<String> command, String what) throws Unusable, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new Unusable("the build on disk cannot be started (" + String.join(" ", command)
                    + "): " + e.getMessage() + "; rolld carries on with its running build");
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()),
                r -> Thread.startVirtualThread(r));
        if (!process.waitFor(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new Unusable("the build on disk did not " + what + " within "
                    + CHECK_TIMEOUT.toSeconds() + "s (" + String.join(" ", command) + "); rolld carries on with its running build");
        }
        String text = output.join();
        if (process.exitValue() != 0) {
            throw new Unusable("the build on disk failed to " + what + " (" + String.join(" ", command)
                    + " exited " + process.exitValue() + "): " + text.strip() + "; rolld carries on with its running build");
        }
        return text;
    }

    private static String readAll(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // the process ended; what was read is the answer
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * execve into this build with {@code heldByName} passed on, telling it it was exec'd from
     * {@code version}; returns only if execve failed (the running image is restored and carries on).
     */
    ErrnoException exec(Map<String, Integer> heldByName, String version) {
        Map<String, String> env = new HashMap<>(System.getenv());
        NOT_PASSED_ON.forEach(env::remove);
        if (!heldByName.isEmpty()) {
            env.put(HeldSocketHandover.HELD_FDS_VARIABLE, HeldSocketHandover.environmentValue(heldByName));
        }
        env.put(FROM_VARIABLE, version);
        return ProcessImage.exec(argv(), env, List.copyOf(heldByName.values()),
                List.of(PosixSignal.HUP, PosixSignal.USR2));
    }
}
