package io.rolld.os;

import io.rolld.config.PosixSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stops processes together with everything they forked, so no grandchild outlives a worker. */
public final class ProcessTree {
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private ProcessTree() {
    }

    /** {@link #stop(List, PosixSignal, Duration)} of one process and its descendants. */
    public static List<Long> stop(ProcessHandle root, PosixSignal signal, Duration timeout) throws InterruptedException {
        return stop(List.of(root), signal, timeout);
    }

    /**
     * Sends {@code signal} to every root and all their descendants at once, waits up to
     * {@code timeout} for all of them to exit, then SIGKILLs whatever is left (descendants are
     * looked up again, since a dying worker may have forked). Returns the pids that had to be
     * killed. {@code /proc} is read once for all the roots ({@link ProcessTable}), and once more
     * only if some did not exit in time: stopping a set costs the same scan however large it is.
     */
    public static List<Long> stop(List<ProcessHandle> roots, PosixSignal signal, Duration timeout) throws InterruptedException {
        List<ProcessTable.Entry> trees = trees(ProcessTable.read(), roots);
        trees.forEach(p -> SignalCalls.kill(p.pid(), signal.number()));
        long deadline = System.nanoTime() + timeout.toNanos();
        if (awaitGone(trees, deadline)) {
            return List.of();
        }
        ProcessTable now = ProcessTable.read();
        Set<ProcessTable.Entry> stubborn = new LinkedHashSet<>(trees(now, roots));
        trees.stream().filter(now::contains).forEach(stubborn::add);
        stubborn.forEach(p -> SignalCalls.kill(p.pid(), PosixSignal.KILL.number()));
        awaitGone(new ArrayList<>(stubborn), System.nanoTime() + KILL_WAIT.toNanos());
        return stubborn.stream().map(ProcessTable.Entry::pid).toList();
    }

    private static List<ProcessTable.Entry> trees(ProcessTable table, List<ProcessHandle> roots) {
        return roots.stream().flatMap(r -> table.tree(r.pid()).stream()).toList();
    }

    /**
     * Waits on each process's pidfd ({@link ProcessWatch}): its exit is noticed at once, and no
     * thread is spent per process (the JDK's {@code onExit} takes a "process reaper" thread each
     * and polls every 300 ms or more for processes that are not its children).
     */
    private static boolean awaitGone(List<ProcessTable.Entry> processes, long deadlineNanos) throws InterruptedException {
        List<CompletableFuture<Exit>> exits = processes.stream().map(p -> ProcessWatch.shared().onExit(p.pid(), p.startTime())).toList();
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for " + processes.stream().map(p -> Long.toString(p.pid())).toList(), e);
        }
    }
}
