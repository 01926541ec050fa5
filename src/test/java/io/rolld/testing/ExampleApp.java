package io.rolld.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code python3 example/app.py PORT} worker, started directly (no rolld), output in
 * {@code target/it/apps/app-PORT.log}. {@link #start} returns once the port accepts connections;
 * {@link #close} stops it by pid (TERM, then KILL after a deadline).
 */
public final class ExampleApp implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final int port;
    private final Process process;
    private final Path log;

    private ExampleApp(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    public static ExampleApp start(int port) {
        return start(port, Map.of());
    }

    /** Starts the worker on 127.0.0.1:{@code port} with extra environment ({@code APP_FAIL}, ...). */
    public static ExampleApp start(int port, Map<String, String> env) {
        Path log = Project.scratch("apps").resolve("app-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                List.of(Project.program("python3", "/usr/bin/python3"), "app.py", Integer.toString(port)))
                .directory(Project.example().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start python3 example/app.py " + port, e);
        }
        ExampleApp app = new ExampleApp(port, process, log);
        try {
            Polling.require(() -> !process.isAlive() || ListeningSockets.accepts(port), START_TIMEOUT,
                    "app.py on port " + port);
            if (!process.isAlive()) {
                throw new AssertionError("app.py on port " + port + " exited with " + process.exitValue()
                        + "; output:\n" + app.output());
            }
            return app;
        } catch (RuntimeException | AssertionError e) {
            app.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the worker printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Sends {@code signal} (e.g. "TERM") and waits for the exit; returns the exit code. */
    public int stop(String signal, Duration timeout) {
        Signals.send(pid(), signal);
        return awaitExit(timeout);
    }

    /** Waits for the worker to exit and returns its exit code; fails after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("app.py pid " + pid() + " still running after " + timeout.toMillis() + " ms");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** TERM, wait up to 15 s, then KILL. Safe to call twice. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
