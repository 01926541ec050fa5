package io.rolld.os;

import io.rolld.config.PosixSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stops a process together with everything it forked, so no grandchild outlives a worker. */
public final class ProcessTree {
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private ProcessTree() {
    }

    /**
     * Sends {@code signal} to the root and every descendant, waits up to {@code timeout} for all
     * of them to exit, then SIGKILLs whatever is left (descendants are looked up again, since a
     * dying worker may have forked). Returns the pids that had to be killed.
     */
    public static List<Long> stop(ProcessHandle root, PosixSignal signal, Duration timeout) throws InterruptedException {
        List<ProcessHandle> tree = snapshot(root);
        tree.forEach(p -> SignalCalls.kill(p.pid(), signal.number()));
        long deadline = System.nanoTime() + timeout.toNanos();
        if (awaitGone(tree, deadline)) {
            return List.of();
        }
        List<ProcessHandle> left = snapshot(root).stream().filter(ProcessHandle::isAlive).toList();
        List<ProcessHandle> stubborn = new ArrayList<>(left);
        tree.stream().filter(p -> p.isAlive() && !stubborn.contains(p)).forEach(stubborn::add);
        stubborn.forEach(p -> SignalCalls.kill(p.pid(), PosixSignal.KILL.number()));
        awaitGone(stubborn, System.nanoTime() + KILL_WAIT.toNanos());
        return stubborn.stream().map(ProcessHandle::pid).toList();
    }

    private static List<ProcessHandle> snapshot(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        if (root.isAlive()) {
            tree.add(root);
        }
        root.descendants().forEach(tree::add);
        return tree;
    }

    /**
     * Waits on each process's pidfd ({@link ProcessWatch}): its exit is noticed at once, and no
     * thread is spent per process (the JDK's {@code onExit} takes a "process reaper" thread each
     * and polls every 300 ms or more for processes that are not its children).
     */
    private static boolean awaitGone(List<ProcessHandle> processes, long deadlineNanos) throws InterruptedException {
        List<CompletableFuture<Exit>> exits = processes.stream().map(ProcessWatch.shared()::onExit).toList();
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
