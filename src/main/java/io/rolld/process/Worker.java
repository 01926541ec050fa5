package io.rolld.process;

import io.rolld.os.Exit;
import io.rolld.config.PosixSignal;
import io.rolld.os.ProcessStartTime;
import io.rolld.os.ProcessTree;
import io.rolld.os.ProcessWatch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One running worker process, bound to one port (in held-socket mode: sharing the group's held
 * sockets, {@link #port()} is then the first held TCP port). {@link #exit()} completes as soon as the
 * process exits, never by polling: {@link ProcessWatch} (pidfd) feeds it, for the workers rolld
 * spawns ({@link NativeSpawn}) and for those a previous rolld left ({@link #adopt}).
 */
public final class Worker {
    private final int port;
    private final ProcessHandle handle;
    private final Instant startedAt;
    private final Optional<Path> stderr;
    private final CompletableFuture<Exit> exit;

    Worker(int port, ProcessHandle handle, CompletableFuture<Exit> exit, Optional<Path> stderr) {
        this(port, handle, Instant.now(), exit, stderr);
    }

    private Worker(int port, ProcessHandle handle, Instant startedAt, CompletableFuture<Exit> exit, Optional<Path> stderr) {
        this.port = port;
        this.handle = handle;
        this.startedAt = startedAt;
        this.stderr = stderr;
        this.exit = exit;
    }

    /**
     * A worker that runs already, not as rolld's child (left by a rolld that died): watched by
     * pidfd, so its exit is noticed at once; its status is then {@link Exit.Unknown}. Empty when the
     * process that started at {@code startTime} (see {@link ProcessStartTime}) no longer runs.
     */
    public static Optional<Worker> adopt(int port, long pid, long startTime, Optional<Path> stderr) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        // After `rolld reexec` the workers are still this process's children: reap them (or they
        // stay zombies, alive to kill(0)) and report their real exit status.
        boolean child = handle.flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(0L) == ProcessHandle.current().pid();
        CompletableFuture<Exit> exit = child ? ProcessWatch.shared().onChildExit(pid, startTime) : ProcessWatch.shared().onExit(pid, startTime);
        if (exit.isDone() || handle.isEmpty()) {
            return Optional.empty();
        }
        // Its uptime counts from the process's own start, not from the adoption.
        return Optional.of(new Worker(port, handle.get(), handle.get().info().startInstant().orElse(Instant.now()), exit, stderr));
    }

    public int port() {
        return port;
    }

    public long pid() {
        return handle.pid();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** False once the process has exited and been reaped. */
    public boolean isAlive() {
        return !exit.isDone();
    }

    /** Completes when the process has exited and been reaped. */
    public CompletableFuture<Exit> exit() {
        return exit;
    }

    public ProcessHandle handle() {
        return handle;
    }

    /** The last lines of the worker's stderr file, for failure reports; empty when it has none. */
    public String stderrTail(int lines) {
        return stderr.map(f -> LogTail.read(f, lines)).orElse("");
    }

    /**
     * Stops the worker and its descendants: see {@link ProcessTree#stop}. For a worker that is not
     * rolld's child the status is unknown, but one that had to be SIGKILLed (alive until then) is
     * reported as killed by it.
     */
    public Exit stop(PosixSignal signal, Duration timeout) throws InterruptedException {
        return endedAfterStop(ProcessTree.stop(handle, signal, timeout));
    }

    /** How the worker ended, once a stop returned {@code killed} (the pids it had to SIGKILL). */
    Exit endedAfterStop(Collection<Long> killed) {
        Exit ended = exit.join();
        return ended instanceof Exit.Unknown && killed.contains(pid()) ? new Exit.Signaled(PosixSignal.KILL.number()) : ended;
    }

    @Override
    public String toString() {
        return "worker(port=" + port + " pid=" + pid() + ")";
    }
}
