package io.rolld.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real nginx on 127.0.0.1:{@link #port()}, with its own prefix directory under
 * {@code target/it/}, running example/nginx.conf with two changes: the listen port, and the
 * upstream include pointing at a file the test supplies (the one rolld renders).
 *
 * <p>Runs in the foreground ({@code -g "daemon off;"}) as a child of the test JVM, so its pid is
 * known without trusting the pid file. {@link #close} sends QUIT, waits, then KILLs the master
 * and its workers by pid.
 */
public final class Nginx implements AutoCloseable {
    private static final String EXAMPLE_LISTEN = "listen 127.0.0.1:8080;";
    private static final String EXAMPLE_INCLUDE = "include nginx-upstream.conf;";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QUIT_TIMEOUT = Duration.ofSeconds(15);

    private final int port;
    private final Path upstreamFile;
    private final Path prefix;
    private final Account account;
    private Process master;

    private Nginx(int port, Path upstreamFile, Path prefix, Account account) {
        this.port = port;
        this.upstreamFile = upstreamFile;
        this.prefix = prefix;
        this.account = account;
    }

    /** An nginx (not yet started) on a free port that includes {@code upstreamFile}. */
    public static Nginx inFrontOf(Path upstreamFile) {
        return inFrontOf(upstreamFile, FreePorts.one());
    }

    public static Nginx inFrontOf(Path upstreamFile, int port) {
        try {
            // World-readable: when the tests run as root, nginx's workers run as "nobody".
            Path prefix = Files.createTempDirectory(Project.scratch("nginx"), "prefix-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            return new Nginx(port, upstreamFile.toAbsolutePath(), prefix, Account.self());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * An nginx (not yet started) on {@code port} with the given prefix directory (created if
     * missing), for layouts that fix where nginx lives, e.g. example/fleet's local hosts.
     */
    public static Nginx inPrefix(Path prefix, Path upstreamFile, int port) {
        try {
            return new Nginx(port, upstreamFile.toAbsolutePath(), Files.createDirectories(prefix).toAbsolutePath(), Account.self());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * An nginx (not yet started) on a free port, run by {@code account}, whose prefix (its pid
     * file, temporary files and error log) is {@code prefix}, created and given to that account.
     */
    public static Nginx runBy(Account account, Path prefix, Path upstreamFile) {
        try {
            return new Nginx(FreePorts.one(), upstreamFile.toAbsolutePath(), account.own(Files.createDirectories(prefix)).toAbsolutePath(),
                    account);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The nginx binary: $ROLLD_NGINX (set by scripts/test), PATH, or /usr/sbin/nginx. */
    public static String binary() {
        String fromScripts = System.getenv("ROLLD_NGINX");
        if (fromScripts != null && !fromScripts.isBlank()) {
            return fromScripts;
        }
        return Project.program("nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx");
    }

    /** Writes the configuration and starts nginx; returns once it accepts connections. */
    public Nginx start() {
        if (master != null) {
            throw new IllegalStateException("nginx already started, pid " + master.pid());
        }
        writeConfig();
        try {
            List<String> command = List.of(binary(), "-p", prefix + "/", "-c", "nginx.conf", "-e", "nginx-error.log", "-g", "daemon off;");
            master = new ProcessBuilder(account.command(command))
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("nginx.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start " + binary(), e);
        }
        try {
            Polling.require(() -> !master.isAlive() || (ListeningSockets.accepts(port) && !workerPids().isEmpty()),
                    START_TIMEOUT, "nginx on port " + port);
            if (!master.isAlive()) {
                throw new AssertionError("nginx exited with " + master.exitValue() + ":\n" + diagnostics());
            }
            return this;
        } catch (RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        requireStarted();
        return master.pid();
    }

    public Path prefix() {
        return prefix;
    }

    public Path upstreamFile() {
        return upstreamFile;
    }

    /** Current worker processes (the master's children). */
    public Set<Long> workerPids() {
        requireStarted();
        return master.toHandle().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /**
     * {@code nginx -s reload}, as rolld's after_start hook runs it; returns once a new worker is
     * running (old workers may still be finishing their requests). Fails if the new
     * configuration is rejected.
     */
    public Set<Long> reload() {
        Set<Long> before = workerPids();
        run(binary(), "-p", prefix + "/", "-c", "nginx.conf", "-e", "nginx-error.log", "-s", "reload");
        Polling.require(() -> !before.containsAll(workerPids()), RELOAD_TIMEOUT,
                "a new nginx worker after reload (old workers " + before + ")\n" + diagnostics());
        Set<Long> now = workerPids();
        now.removeAll(before);
        return now;
    }

    /** The tail of nginx's error log and its console output, for failure messages. */
    public String diagnostics() {
        return "--- " + prefix.resolve("nginx-error.log") + "\n" + tail(prefix.resolve("nginx-error.log"))
                + "--- nginx output\n" + tail(prefix.resolve("nginx.out"));
    }

    /** QUIT (graceful), wait up to 15 s, then KILL master and workers by pid. Safe to call twice. */
    @Override
    public void close() {
        if (master == null || !master.isAlive()) {
            return;
        }
        List<ProcessHandle> workers = master.toHandle().children().toList();
        Signals.send(master.pid(), "QUIT");
        try {
            if (!master.waitFor(QUIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                List<ProcessHandle> all = new ArrayList<>(master.toHandle().children().toList());
                all.addAll(workers);
                all.forEach(ProcessHandle::destroyForcibly);
                master.destroyForcibly();
                master.waitFor(QUIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            master.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private void writeConfig() {
        try {
            String example = Files.readString(Project.example().resolve("nginx.conf"));
            if (!example.contains(EXAMPLE_LISTEN) || !example.contains(EXAMPLE_INCLUDE)) {
                throw new IllegalStateException("example/nginx.conf no longer contains '" + EXAMPLE_LISTEN
                        + "' and '" + EXAMPLE_INCLUDE + "'; update the Nginx test fixture");
            }
            String config = example
                    .replace(EXAMPLE_LISTEN, "listen 127.0.0.1:" + port + ";")
                    .replace(EXAMPLE_INCLUDE, "include " + upstreamFile + ";");
            Files.writeString(prefix.resolve("nginx.conf"), config);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void requireStarted() {
        if (master == null) {
            throw new IllegalStateException("nginx not started");
        }
    }

    private void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 10 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ":\n"
                        + output + diagnostics());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")\n";
        }
    }
}
