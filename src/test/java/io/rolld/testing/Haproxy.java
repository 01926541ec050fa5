package io.rolld.testing;

import io.rolld.config.FrontConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real HAProxy (Debian's) on 127.0.0.1:{@link #port()}, running example/haproxy.cfg with two
 * changes: the listen port and the admin socket; the backend comes from a file the test supplies
 * (the one rolld renders). Master-worker mode in the foreground ({@code -W -db}) as a child of
 * the test JVM, so the master's pid is known; {@link #close} stops it (TERM, then KILL) by pid.
 *
 * <p>The Unix admin socket lives in a fresh 0700 directory under {@code java.io.tmpdir}: HAProxy
 * binds paths of at most 107 bytes, and the checkout may be deeper than that.
 */
public final class Haproxy implements AutoCloseable {
    private static final String EXAMPLE_SOCKET = "stats socket example/haproxy.sock mode 600 level admin";
    private static final String EXAMPLE_BIND = "bind 127.0.0.1:8080";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final int port;
    private final Path backendFile;
    private final Path dir;
    private final Path socketDir;
    private final Optional<Integer> adminPort;
    private Process master;

    private Haproxy(int port, Path backendFile, Path dir, Path socketDir, Optional<Integer> adminPort) {
        this.port = port;
        this.backendFile = backendFile;
        this.dir = dir;
        this.socketDir = socketDir;
        this.adminPort = adminPort;
    }

    /** An HAProxy (not yet started) reading {@code backendFile}, its admin socket a Unix socket. */
    public static Haproxy inFrontOf(Path backendFile) {
        return create(backendFile, Optional.empty());
    }

    /** The same, its admin socket on 127.0.0.1 at a free port. */
    public static Haproxy withTcpAdmin(Path backendFile) {
        return create(backendFile, Optional.of(FreePorts.one()));
    }

    private static Haproxy create(Path backendFile, Optional<Integer> adminPort) {
        try {
            Path dir = Files.createTempDirectory(Project.scratch("haproxy"), "run-");
            Path socketDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "rolld-haproxy-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return new Haproxy(FreePorts.one(), backendFile.toAbsolutePath(), dir, socketDir, adminPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The haproxy binary: $ROLLD_HAPROXY (set by scripts/test), PATH, or /usr/sbin/haproxy. */
    public static String binary() {
        String fromScripts = System.getenv("ROLLD_HAPROXY");
        if (fromScripts != null && !fromScripts.isBlank()) {
            return fromScripts;
        }
        return Project.program("haproxy", "/usr/sbin/haproxy");
    }

    /** Writes the configuration and starts HAProxy; returns once it accepts connections and its admin socket exists. */
    public Haproxy start() {
        if (master != null) {
            throw new IllegalStateException("haproxy already started, pid " + master.pid());
        }
        Path config = writeConfig();
        try {
            master = new ProcessBuilder(binary(), "-W", "-db", "-f", config.toString(), "-f", backendFile.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary(), e);
        }
        try {
            Polling.require(() -> !master.isAlive() || (ListeningSockets.accepts(port) && workerPid().isPresent()
                    && (adminPort.isPresent() ? ListeningSockets.accepts(adminPort.get()) : Files.exists(socketPath()))),
                    START_TIMEOUT, "haproxy on port " + port);
            if (!master.isAlive()) {
                throw new AssertionError("haproxy exited with " + master.exitValue() + ":\n" + diagnostics());
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

    /** The master's pid. */
    public long pid() {
        requireStarted();
        return master.pid();
    }

    /** The worker's pid (the master's only child once started). */
    public Optional<Long> workerPid() {
        requireStarted();
        Set<Long> children = master.toHandle().children().map(ProcessHandle::pid).collect(Collectors.toSet());
        return children.size() == 1 ? children.stream().findFirst() : Optional.empty();
    }

    public Path backendFile() {
        return backendFile;
    }

    /** The admin socket as rolld.yml writes it: a path, or 127.0.0.1:PORT. */
    public String socket() {
        return adminPort.map(p -> "127.0.0.1:" + p).orElse(socketPath().toString());
    }

    /** The admin socket as rolld's configuration holds it. */
    public FrontConfig.AdminSocket adminSocket() {
        return adminPort.<FrontConfig.AdminSocket>map(p -> new FrontConfig.AdminSocket.Tcp(InetAddress.getLoopbackAddress(), p))
                .orElse(new FrontConfig.AdminSocket.Unix(socketPath()));
    }

    private Path socketPath() {
        return socketDir.resolve("admin.sock");
    }

    /** HAProxy's console output, for failure messages. */
    public String diagnostics() {
        try {
            return "--- haproxy output\n" + Files.readString(dir.resolve("haproxy.out"));
        } catch (IOException e) {
            return "(no haproxy output)\n";
        }
    }

    /** TERM (the test is over: no need to finish sessions), wait, then KILL master and worker by pid. Safe twice. */
    @Override
    public void close() {
        try {
            if (master == null || !master.isAlive()) {
                return;
            }
            List<ProcessHandle> workers = master.toHandle().children().toList();
            Signals.send(master.pid(), "TERM");
            try {
                if (!master.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    workers.forEach(ProcessHandle::destroyForcibly);
                    master.destroyForcibly();
                    master.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                master.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        } finally {
            deleteSocketDir();
        }
    }

    private void deleteSocketDir() {
        try (Stream<Path> files = Files.walk(socketDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover empty directory in /tmp is harmless
        }
    }

    private Path writeConfig() {
        try {
            String example = Files.readString(Project.example().resolve("haproxy.cfg"));
            if (!example.contains(EXAMPLE_SOCKET) || !example.contains(EXAMPLE_BIND)) {
                throw new IllegalStateException("example/haproxy.cfg no longer contains '" + EXAMPLE_SOCKET + "' and '" + EXAMPLE_BIND
                        + "'; update the Haproxy test fixture");
            }
            String socket = adminPort.map(p -> "stats socket ipv4@127.0.0.1:" + p + " level admin")
                    .orElse("stats socket " + socketPath() + " mode 600 level admin");
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, example.replace(EXAMPLE_SOCKET, socket).replace(EXAMPLE_BIND, "bind 127.0.0.1:" + port));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireStarted() {
        if (master == null) {
            throw new IllegalStateException("haproxy not started");
        }
    }
}
