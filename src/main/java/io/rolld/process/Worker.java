package io.rolld.process;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One running worker process, bound to one port. */
public final class Worker {
    private final int port;
    private final Process process;
    private final Instant startedAt;
    private final Optional<Path> stderr;
    private final CompletableFuture<Exit> exit;

    private Worker(int port, Process process, Optional<Path> stderr) {
        this.port = port;
        this.process = process;
        this.startedAt = Instant.now();
        this.stderr = stderr;
        this.exit = process.onExit().thenApply(p -> Exit.ofJdkValue(p.exitValue()));
    }

    /** Starts a worker; its output goes straight to its files, never through rolld. */
    public static Worker spawn(WorkerSpec spec) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(spec.argv())
                .directory(spec.directory().toFile())
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(redirect(spec.stdout()))
                .redirectError(redirect(spec.stderr()));
        builder.environment().putAll(spec.env());
        return new Worker(spec.port(), builder.start(), spec.stderr());
    }

    private static Redirect redirect(Optional<Path> file) throws IOException {
        if (file.isEmpty()) {
            return Redirect.INHERIT;
        }
        Path parent = file.get().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Redirect.appendTo(file.get().toFile());
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Instant startedAt() {
        return startedAt;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes when the process has exited and been reaped. */
    public CompletableFuture<Exit> exit() {
        return exit;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The last lines of the worker's stderr file, for failure reports; empty when it has none. */
    public String stderrTail(int lines) {
        return stderr.map(f -> LogTail.read(f, lines)).orElse("");
    }

    /** Stops the worker and its descendants: see {@link ProcessTree#stop}. */
    public Exit stop(PosixSignal signal, Duration timeout) throws InterruptedException {
        ProcessTree.stop(process.toHandle(), signal, timeout);
        return exit.join();
    }

    @Override
    public String toString() {
        return "worker(port=" + port + " pid=" + pid() + ")";
    }
}
