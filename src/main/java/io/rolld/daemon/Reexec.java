package io.rolld.daemon;

import io.rolld.os.ErrnoException;
import io.rolld.os.PassedDescriptors;
import io.rolld.config.PosixSignal;
import io.rolld.os.ProcessImage;
import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Phase;
import java.io.ByteArrayOutputStream;
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
import java.util.function.Supplier;

/**
 * {@code rolld reexec}: replaces the daemon's code in place with the build now on disk. The same
 * command line runs again (through {@code scripts/rolld}, named by {@code ROLLD_LAUNCHER}, so the
 * launcher finds the new jar), by execve: same pid, so the workers stay its children and systemd
 * sees the same main process. Held sockets cross the exec ({@code ROLLD_HELD_FDS}); the new image
 * finds its workers through the workers file, as after a crash.
 *
 * <p>Before that, the new build must prove it starts and accepts rolld.yml ({@code check}), and
 * no rollout may be running; otherwise the request is refused and nothing changes.
 */
final class Reexec {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("rolld");
    /** The version of the image that exec'd this one, for the new image's first log line. */
    static final String FROM_VARIABLE = "ROLLD_REEXEC_FROM";
    private static final String LAUNCHER_VARIABLE = "ROLLD_LAUNCHER";
    /** A JVM start on a busy 2-core machine, twice (check, then --version). */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final List<String> NOT_PASSED_ON = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES",
            PassedDescriptors.HELD_FDS_VARIABLE, FROM_VARIABLE);

    /** Why a re-exec did not happen; {@code code} is a {@link ControlProtocol} error code. */
    static final class Refused extends Exception {
        final String code;

        Refused(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** How this image was started: what runs before the arguments, and the arguments. */
    record Launch(List<String> program, List<String> args) {
        List<String> argv() {
            return with(args);
        }

        List<String> with(List<String> otherArgs) {
            List<String> all = new ArrayList<>(program);
            all.addAll(otherArgs);
            return all;
        }
    }

    private Reexec() {
    }

    /** The new image's first line, when a re-exec started it. */
    static void logIfReexeced() {
        String from = System.getenv(FROM_VARIABLE);
        if (from != null) {
            LOG.info("{}", Logfmt.event("reexeced").kv("pid", ProcessHandle.current().pid()).kv("from_version", from)
                    .kv("version", BuildVersion.current()).kv("action", "taking over the running workers"));
        }
    }

    /** A control socket nobody serves: expected right after a re-exec (the old image's), a warning otherwise. */
    static void staleSocket(Path socket) {
        if (System.getenv(FROM_VARIABLE) != null) {
            LOG.info("{}", Logfmt.event("stale_socket").kv("socket", socket).kv("action", "the image before the re-exec left it; replacing it"));
        } else {
            LOG.warn("{}", Logfmt.event("stale_socket").kv("socket", socket).kv("action", "no rolld answers on it; replacing it"));
        }
    }

    /** The launcher when {@code scripts/rolld} started us, else the JVM's own command line up to the jar. */
    static Launch current() throws Refused {
        List<String> cmdline;
        try {
            cmdline = ProcessImage.commandLine();
        } catch (IOException e) {
            throw new Refused(ControlProtocol.REEXEC_REFUSED, "cannot read rolld's command line: " + e.getMessage());
        }
        int jar = cmdline.indexOf("-jar");
        if (jar < 0 || jar + 1 >= cmdline.size()) {
            throw new Refused(ControlProtocol.REEXEC_REFUSED, "rolld was not started with -jar (" + String.join(" ", cmdline)
                    + "): cannot tell how to start the new build");
        }
        List<String> args = cmdline.subList(jar + 2, cmdline.size());
        String launcher = System.getenv().getOrDefault(LAUNCHER_VARIABLE, "");
        return new Launch(launcher.isBlank() ? cmdline.subList(0, jar + 2) : List.of(launcher), args);
    }

    /** Waits until no group is rolling out (nor starting), until {@code deadlineNanos}. */
    static void awaitIdle(Supplier<List<GroupStatus>> groups, long deadlineNanos) throws Refused, InterruptedException {
        while (true) {
            List<String> busy = groups.get().stream().filter(g -> g.phase() != Phase.IDLE)
                    .map(g -> g.name() + " (" + g.phase() + ")").toList();
            if (busy.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new Refused(ControlProtocol.TIMEOUT, "a rollout is still running: " + String.join(", ", busy)
                        + "; nothing re-executed (raise --timeout)");
            }
            Thread.sleep(IDLE_POLL);
        }
    }

    /** The new build's answer to {@code check CONFIG}, then its version; refused with its output when it fails. */
    static String checkNewBuild(Launch launch, Path config) throws Refused, InterruptedException {
        run(launch.with(List.of("check", config.toAbsolutePath().toString())), "accept " + config);
        return BuildVersion.fromVersionLine(run(launch.with(List.of("--version")), "tell its version"));
    }

    private static String run(List<String> command, String what) throws Refused, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new Refused(ControlProtocol.REEXEC_REFUSED, "the build on disk cannot be started (" + String.join(" ", command)
                    + "): " + e.getMessage() + "; rolld carries on with its running build");
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()),
                r -> Thread.startVirtualThread(r));
        if (!process.waitFor(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new Refused(ControlProtocol.REEXEC_REFUSED, "the build on disk did not " + what + " within "
                    + CHECK_TIMEOUT.toSeconds() + "s (" + String.join(" ", command) + "); rolld carries on with its running build");
        }
        String text = output.join();
        if (process.exitValue() != 0) {
            throw new Refused(ControlProtocol.REEXEC_REFUSED, "the build on disk failed to " + what + " (" + String.join(" ", command)
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
     * execve with the held sockets passed on by name; returns only if execve failed (the running
     * image is restored and carries on).
     */
    static ErrnoException exec(Launch launch, Map<String, Integer> heldByName, String version) {
        Map<String, String> env = new HashMap<>(System.getenv());
        NOT_PASSED_ON.forEach(env::remove);
        if (!heldByName.isEmpty()) {
            env.put(PassedDescriptors.HELD_FDS_VARIABLE, PassedDescriptors.environmentValue(heldByName));
        }
        env.put(FROM_VARIABLE, version);
        return ProcessImage.exec(launch.argv(), env, List.copyOf(heldByName.values()),
                List.of(PosixSignal.HUP, PosixSignal.USR2));
    }
}
