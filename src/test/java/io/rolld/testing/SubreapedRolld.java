package io.rolld.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code scripts/rolld CONFIG} run below {@code src/test/resources/bin/subreaper.py}, for tests that
 * SIGKILL rolld: its orphaned workers are re-parented to the subreaper, which reaps them when they
 * exit (PID 1 of a container may not), so "gone" means gone, as under a real init. Its output is
 * rolld's. {@link #close()} ends the subreaper, which exits once no orphan is left; it fails the
 * test if one is (whoever adopted the workers must have stopped them).
 */
public final class SubreapedRolld implements AutoCloseable {
    private static final Duration GONE = Duration.ofSeconds(10);
    private final Rolld subreaper;

    private SubreapedRolld(Rolld subreaper) {
        this.subreaper = subreaper;
    }

    public static SubreapedRolld start(Path config, String name) {
        String script = Project.root().resolve("src/test/resources/bin/subreaper.py").toString();
        return new SubreapedRolld(Rolld.launch(List.of("python3", script, Project.root().resolve("scripts/rolld").toString(),
                config.toString()), Project.root(), name));
    }

    /** rolld's output (through the subreaper). */
    public Rolld output() {
        return subreaper;
    }

    /** The rolld process: the subreaper's child. */
    public long rolldPid() {
        return ProcessHandle.of(subreaper.pid()).orElseThrow().children().findFirst().orElseThrow().pid();
    }

    /** The live processes below the subreaper whose command line contains {@code marker} (e.g. "app.py"). */
    public List<ProcessHandle> processes(String marker) {
        return subreaper.descendants().stream().filter(p -> p.info().commandLine().orElse("").contains(marker)).toList();
    }

    /** SIGKILLs rolld (not its workers) and waits until it is gone. */
    public void killRolld() {
        long pid = rolldPid();
        if (!Signals.send(pid, "KILL")) {
            throw new AssertionError("could not SIGKILL rolld pid " + pid);
        }
        ProcessAssertions.assertGone(List.of(pid), GONE);
    }

    @Override
    public void close() {
        subreaper.close();
    }
}
