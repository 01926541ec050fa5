package io.rolld.os;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notices at once when a process exits, whether or not it is rolld's child: a worker adopted after
 * a crash has been re-parented to init, so neither {@code waitpid} nor {@link ProcessHandle#onExit}
 * (which polls for non-children) serves. Each watched process is held by a pidfd
 * ({@code pidfd_open}, Linux 5.3+), which also pins its identity: a pidfd never refers to a later
 * process that reuses the pid.
 *
 * <p>One platform thread, {@code pidfd-watch}, waits on an epoll instance that holds every pidfd:
 * one thread and one descriptor per watched process, however many there are, and a wake-up costs
 * only the processes that exited (poll(2) of every pidfd at each exit and each new watch made
 * starting or stopping 1,000 workers quadratic).
 *
 * <p>API:
 * <ul>
 *   <li>{@link #onExit(long, long)}: watch a process recorded earlier by pid and
 *       {@link ProcessStartTime}; if it no longer runs (gone, or the pid now belongs to a process
 *       that started at another time) the future is already complete when returned.</li>
 *   <li>{@link #onExit(ProcessHandle)}: watch a process by its JDK handle (a worker's descendants).</li>
 *   <li>{@link #onChildExit(long)} and {@link #onChildExit(long, long)}: watch a child of rolld
 *       that nobody else reaps (a worker rolld spawned, or one it kept across {@code rolld reexec}):
 *       the watch reaps it.</li>
 * </ul>
 * The future completes with the {@link Exit} read by waitid(P_PIDFD): exact for rolld's children
 * (an exit with status 130 is not a SIGINT), {@link Exit.Unknown} for a process that is not rolld's
 * child. Only the onChildExit watches reap; the others leave the zombie to its reaper (the JDK
 * reaps its own children). It is completed on a fresh virtual thread, never on the watch thread,
 * so dependent actions may block.
 */
public final class ProcessWatch {
    /** Exits reported by one wait at most; more are reported by the next. */
    private static final int READY_AT_ONCE = 64;

    private final ProcessStartTime starts;
    private final int epoll = PidfdCalls.epollCreate();
    /** By pidfd: put before the pidfd joins the epoll set, removed by the watch thread before it closes it. */
    private final Map<Integer, Watched> watched = new ConcurrentHashMap<>();

    private record Watched(long pid, int pidfd, boolean reap, CompletableFuture<Exit> exit) {
    }

    private static final class Shared {
        static final ProcessWatch INSTANCE = new ProcessWatch(ProcessStartTime.system());
    }

    private ProcessWatch(ProcessStartTime starts) {
        this.starts = starts;
        Thread.ofPlatform().daemon().name("pidfd-watch").start(this::run);
    }

    /** The one watch of this JVM, started at first use. */
    public static ProcessWatch shared() {
        return Shared.INSTANCE;
    }

    /**
     * Completes when the process {@code pid} that started at {@code startTime} (clock ticks since
     * boot, see {@link ProcessStartTime}) exits; already complete with {@link Exit.Unknown} when
     * that process no longer runs.
     */
    public CompletableFuture<Exit> onExit(long pid, long startTime) {
        return open(pid, startTime, false);
    }

    /**
     * Like {@link #onExit(long, long)} for a child of this process that nobody else reaps (a worker
     * kept across {@code rolld reexec}): reaped when it exits, with its exact status.
     */
    public CompletableFuture<Exit> onChildExit(long pid, long startTime) {
        return open(pid, startTime, true);
    }

    /**
     * Completes with the exact status of a child that rolld spawned and nobody else reaps, once it
     * exits; the watch reaps it. A child that exited already is a zombie until then, so the pidfd
     * always opens (Linux 5.3+; an {@link ErrnoException} otherwise).
     */
    public CompletableFuture<Exit> onChildExit(long pid) {
        int pidfd = PidfdCalls.pidfdOpen(pid).orElseThrow(() -> new ErrnoException("pidfd_open(" + pid + ")", NativeCalls.ESRCH));
        return watch(pid, pidfd, true);
    }

    private CompletableFuture<Exit> open(long pid, long startTime, boolean reap) {
        Optional<Integer> pidfd = PidfdCalls.pidfdOpen(pid);
        if (pidfd.isEmpty()) {
            return CompletableFuture.completedFuture(new Exit.Unknown());
        }
        // Checked after opening: the pidfd holds whatever process had the pid then, so a match
        // now means the pidfd is the recorded process (a reuse in between shows another start).
        if (starts.of(pid).orElse(-1) != startTime) {
            SocketCalls.close(pidfd.get());
            return CompletableFuture.completedFuture(new Exit.Unknown());
        }
        return watch(pid, pidfd.get(), reap);
    }

    /**
     * Completes when {@code process} exits; already complete with {@link Exit.Unknown} when it no
     * longer runs (the handle knows its start time, so a reused pid counts as gone).
     */
    public CompletableFuture<Exit> onExit(ProcessHandle process) {
        Optional<Integer> pidfd = PidfdCalls.pidfdOpen(process.pid());
        if (pidfd.isEmpty()) {
            return CompletableFuture.completedFuture(new Exit.Unknown());
        }
        if (!process.isAlive()) { // checked after opening, as in onExit(pid, startTime)
            SocketCalls.close(pidfd.get());
            return CompletableFuture.completedFuture(new Exit.Unknown());
        }
        return watch(process.pid(), pidfd.get(), false);
    }

    private CompletableFuture<Exit> watch(long pid, int pidfd, boolean reap) {
        Watched w = new Watched(pid, pidfd, reap, new CompletableFuture<>());
        watched.put(pidfd, w);
        try {
            PidfdCalls.epollAdd(epoll, pidfd);
        } catch (ErrnoException e) {
            watched.remove(pidfd);
            SocketCalls.close(pidfd);
            throw e;
        }
        return w.exit();
    }

    private void run() {
        while (true) {
            try {
                for (int pidfd : PidfdCalls.epollWait(epoll, READY_AT_ONCE)) {
                    Watched w = watched.remove(pidfd);
                    if (w == null) {
                        continue; // cannot happen: a pidfd is closed only below, after its removal
                    }
                    Exit exit = PidfdCalls.exitOf(w.pidfd(), w.reap());
                    SocketCalls.close(w.pidfd()); // which also takes it out of the epoll set
                    Thread.startVirtualThread(() -> w.exit().complete(exit));
                }
            } catch (RuntimeException e) {
                // A bug: fail every waiter visibly rather than hang them.
                for (Watched w : watched.values()) {
                    if (watched.remove(w.pidfd(), w)) {
                        SocketCalls.close(w.pidfd());
                        w.exit().completeExceptionally(new IllegalStateException("pidfd watch of pid " + w.pid() + " failed", e));
                    }
                }
            }
        }
    }
}
