package io.rolld.testing;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Polling assertions about OS processes; every wait has a deadline. */
public final class ProcessAssertions {
    private static final Duration POLL = Duration.ofMillis(20);

    private ProcessAssertions() {
    }

    /** Fails unless every pid in {@code pids} has exited within {@code timeout}. */
    public static void assertGone(Collection<Long> pids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> handles = pids.stream()
                .map(ProcessHandle::of)
                .flatMap(Optional::stream)
                .toList();
        assertGone(handles, deadline, timeout);
    }

    /** Like {@link #assertGone(Collection, Duration)}, for handles (immune to pid reuse). */
    public static void assertHandlesGone(Collection<ProcessHandle> handles, Duration timeout) {
        assertGone(List.copyOf(handles), System.nanoTime() + timeout.toNanos(), timeout);
    }

    private static void assertGone(List<ProcessHandle> handles, long deadline, Duration timeout) {
        while (true) {
            List<ProcessHandle> alive = handles.stream().filter(ProcessAssertions::running).toList();
            if (alive.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("still alive after " + timeout.toMillis() + " ms: " + describe(alive));
            }
            Polling.pause(POLL);
        }
    }

    /**
     * True while {@code p} runs: alive and not a zombie. A grandchild killed with its worker is a
     * zombie until its new parent (init, or a subreaper) collects it, which rolld cannot do for a
     * process that is not its child; the JDK's isAlive counts it alive until then.
     */
    public static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException | RuntimeException e) {
            return p.isAlive(); // gone meanwhile, or unreadable: the JDK's answer
        }
    }

    /** "pid 12 (python3 app.py 8001), pid 13 (...)" for failure messages. */
    public static String describe(Collection<ProcessHandle> processes) {
        return processes.stream()
                .map(p -> "pid " + p.pid() + " (" + p.info().commandLine().orElse("?") + ")")
                .collect(Collectors.joining(", "));
    }
}
