package io.rolld.os;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    private static boolean awaitGone(List<ProcessHandle> processes, long deadlineNanos) throws InterruptedException {
        for (ProcessHandle p : processes) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return processes.stream().noneMatch(ProcessHandle::isAlive);
            }
            try {
                // Not ProcessWatch: a pidfd reports the exit, this waits until the process is reaped (gone from the table).
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("waiting for pid " + p.pid(), e);
            }
        }
        return true;
    }
}
