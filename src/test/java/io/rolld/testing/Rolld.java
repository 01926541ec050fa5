package io.rolld.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The daemon under test: {@code scripts/rolld CONFIG} (from {@code rolld.root}) as a child
 * process, stdout and stderr merged, every line kept in memory and echoed to
 * {@code target/it/rolld/NAME.log}.
 *
 * <p>{@link #close()} is the end of every test: TERM, up to 20 s for rolld to exit, then KILL of
 * everything still alive among rolld and its descendants (seen at any {@link #descendants()} call
 * or at close), by pid. A descendant that outlived rolld's own shutdown fails the test: rolld must
 * never leave a process behind. {@link #stop(Duration)} does the same and returns the facts instead.
 */
public final class Rolld implements AutoCloseable {
    /** Lines shown in failure messages. */
    private static final int TAIL = 40;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
    /** How often a wait for a line checks that rolld still runs. */
    private static final Duration EXIT_POLL = Duration.ofMillis(100);
    /** After rolld exited, how long its last lines may take to arrive. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(2);

    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final LinkedHashSet<ProcessHandle> seenDescendants = new LinkedHashSet<>();
    private final Thread reader;
    private Shutdown shutdown;

    private Rolld(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reader = Thread.ofPlatform().daemon().name("rolld-output-" + process.pid()).start(this::readOutput);
    }

    /** Runs {@code scripts/rolld CONFIG ARGS...} with the repository root as working directory. */
    public static Rolld start(Path config, String... args) {
        return start(Project.root().resolve("scripts").resolve("rolld"), config, args);
    }

    /** Runs {@code LAUNCHER CONFIG ARGS...}: another install of rolld (a copy a test upgrades). */
    public static Rolld start(Path launcher, Path config, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.add(config.toString());
        command.addAll(List.of(args));
        return launch(command, Project.root(), "rolld");
    }

    /**
     * Runs any command as if it were rolld (a stand-in, for testing this fixture, or a different
     * rolld subcommand). {@code name} names the log file.
     */
    public static Rolld launch(List<String> command, Path workingDirectory, String name) {
        return launch(command, workingDirectory, name, Map.of());
    }

    /** Like {@link #launch(List, Path, String)}, with {@code env} added to the environment rolld inherits. */
    public static Rolld launch(List<String> command, Path workingDirectory, String name, Map<String, String> env) {
        Path log = Project.scratch("rolld").resolve(name + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            return new Rolld(process, log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start " + command, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file every output line is echoed to. */
    public Path logFile() {
        return log;
    }

    /** Sends a signal by name ("HUP", "TERM", "USR1", ...) to the rolld process. */
    public void signal(String name) {
        if (!Signals.send(pid(), name)) {
            throw new AssertionError("could not send SIG" + name + " to rolld pid " + pid() + "\n" + tail());
        }
    }

    /** All output lines so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for the first line (from the start of the output) matching {@code regex} (find, not match). */
    public String awaitLine(String regex, Duration timeout) {
        return awaitLine(Pattern.compile(regex), timeout);
    }

    public String awaitLine(Pattern pattern, Duration timeout) {
        return awaitLine(line -> pattern.matcher(line).find(), "/" + pattern + "/", 0, timeout);
    }

    public String awaitLine(Predicate<String> matches, Duration timeout) {
        return awaitLine(matches, "a matching line", 0, timeout);
    }

    /**
     * Waits for a line matching {@code regex} among lines from index {@code from} on (use
     * {@code lines().size()} before an action to see only what the action caused).
     */
    public String awaitLineAfter(int from, String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        return awaitLine(line -> pattern.matcher(line).find(), "/" + regex + "/", from, timeout);
    }

    private String awaitLine(Predicate<String> matches, String what, int from, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long exitSeen = 0;
        synchronized (lines) {
            int next = from;
            while (true) {
                for (; next < lines.size(); next++) {
                    if (matches.test(lines.get(next))) {
                        return lines.get(next);
                    }
                }
                long now = System.nanoTime();
                if (exitSeen == 0 && !process.isAlive()) {
                    exitSeen = now;
                }
                // Once rolld has exited, its last lines are read within a moment (a worker it
                // left behind may keep the pipe open, so the end of the output is not awaited).
                boolean exited = exitSeen != 0 && (!reader.isAlive() || now - exitSeen > EXIT_GRACE.toNanos());
                long left = deadline - now;
                if (left <= 0 || exited) {
                    String why = exited ? "rolld exited with code " + process.exitValue()
                            : "timed out after " + timeout.toMillis() + " ms";
                    throw new AssertionError(why + " while waiting for " + what + " in rolld's output (pid " + pid()
                            + exitDescription() + ", log " + log + "); last " + TAIL + " lines:\n" + tailLocked());
                }
                try {
                    lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, EXIT_POLL.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Waits for rolld to exit by itself and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("rolld pid " + pid() + " still running after " + timeout.toMillis()
                        + " ms (log " + log + "); last " + TAIL + " lines:\n" + tail());
            }
            reader.join(Duration.ofSeconds(5));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** rolld's live descendants (workers, hooks, their children); remembered for cleanup. */
    public List<ProcessHandle> descendants() {
        List<ProcessHandle> now = process.toHandle().descendants().toList();
        synchronized (seenDescendants) {
            seenDescendants.addAll(now);
        }
        return now;
    }

    /** Pids of {@link #descendants()}. */
    public List<Long> descendantPids() {
        return descendants().stream().map(ProcessHandle::pid).toList();
    }

    /** The last 40 output lines, for messages. */
    public String tail() {
        synchronized (lines) {
            return tailLocked();
        }
    }

    private String tailLocked() {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL), lines.size()));
    }

    /**
     * What happened when rolld was stopped.
     *
     * @param exitCode  rolld's exit code, empty if it had to be killed
     * @param survivors descendants still alive once rolld had exited (or the grace ran out): all
     *                  were then killed by pid, but rolld should have stopped them itself
     * @param elapsed   from TERM to rolld's exit (or to the kill)
     */
    public record Shutdown(Optional<Integer> exitCode, List<String> survivors, Duration elapsed) {
        public Shutdown {
            survivors = List.copyOf(survivors);
        }

        public boolean clean() {
            return exitCode.isPresent() && survivors.isEmpty();
        }
    }

    /**
     * TERM, wait up to {@code grace} for rolld to exit, then KILL rolld and every descendant still
     * alive, by pid. Idempotent: a second call returns the first result.
     */
    public synchronized Shutdown stop(Duration grace) {
        if (shutdown != null) {
            return shutdown;
        }
        long start = System.nanoTime();
        descendants(); // snapshot before they are reparented away from rolld
        if (process.isAlive()) {
            Signals.send(pid(), "TERM");
        }
        boolean exited;
        try {
            exited = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        List<ProcessHandle> survivors;
        synchronized (seenDescendants) {
            if (process.isAlive()) {
                seenDescendants.addAll(process.toHandle().descendants().toList());
            }
            survivors = seenDescendants.stream().filter(ProcessAssertions::running).toList();
        }
        List<String> described = survivors.stream()
                .map(p -> p.pid() + " (" + p.info().commandLine().orElse("?") + ")").toList();
        if (!exited) {
            threadDump();
        }
        process.toHandle().destroyForcibly();
        survivors.forEach(ProcessHandle::destroyForcibly);
        ProcessAssertions.assertHandlesGone(survivors, KILL_TIMEOUT);
        try {
            process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown = new Shutdown(exited ? Optional.of(process.exitValue()) : Optional.empty(), described, elapsed);
        return shutdown;
    }

    /** A JVM that would not exit prints its threads on QUIT, into this log: what the test reports shows where it hung. */
    private void threadDump() {
        int before = lines().size();
        if (Signals.send(pid(), "QUIT")) {
            try {
                awaitLineAfter(before, "^JNI global refs", Duration.ofSeconds(3)); // the dump's last line
            } catch (AssertionError notAJvmOrNoDump) {
                // a stand-in, or a JVM too stuck to answer: kill it anyway
            }
        }
    }

    /** {@link #stop(Duration)} with 20 s grace; fails the test if rolld had to be killed or left processes behind. */
    @Override
    public void close() {
        Shutdown result = stop(STOP_TIMEOUT);
        if (!result.clean()) {
            throw new AssertionError("rolld pid " + pid() + " did not shut down cleanly: "
                    + (result.exitCode().isEmpty() ? "killed after " + STOP_TIMEOUT.toMillis() + " ms (its threads at that"
                            + " moment are at the end of " + log + "); " : "")
                    + "survivors (now killed): " + result.survivors() + "\nlast lines:\n" + tail());
        }
    }

    private String exitDescription() {
        return process.isAlive() ? ", running" : ", exited " + process.exitValue();
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter echo = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                echo.println(line);
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("(fixture: reading rolld output failed: " + e + ")");
            }
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }
}
