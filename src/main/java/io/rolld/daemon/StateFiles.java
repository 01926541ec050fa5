package io.rolld.daemon;

import io.rolld.control.Json;
import io.rolld.os.AtomicFile;
import io.rolld.rollout.GroupStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The files rolld keeps for other programs, each replaced atomically (temp file + rename):
 * the pid file; the state file (the JSON of {@code rolld status --json}); and {@code status}
 * beside it, Server::Starter's {@code --status-file} format: one {@code generation:pid} line per
 * live worker. The state and status files are rewritten through a {@link CoalescedWriter}: at most
 * every {@link #INTERVAL} and within it of every change (a phase end, a health change), on the
 * writer's thread, so a rollout never waits for the {@code /proc} readings a state file holds.
 */
final class StateFiles {
    /** At most one rewrite of the state and status files per interval. */
    static final Duration INTERVAL = Duration.ofMillis(100);

    private final Path pidFile;
    private final Path stateFile;
    private final Path starterStatusFile;
    private final Supplier<List<GroupStatus>> groups;
    private final StatusReport report;
    private final CoalescedWriter writer;

    StateFiles(Path pidFile, Path stateFile, Supplier<List<GroupStatus>> groups, StatusReport report,
               Consumer<IOException> onFailure) {
        this.pidFile = pidFile;
        this.stateFile = stateFile;
        this.starterStatusFile = stateFile.resolveSibling("status");
        this.groups = groups;
        this.report = report;
        this.writer = new CoalescedWriter(this::writeState, INTERVAL, System::nanoTime,
                CoalescedWriter.Timer.virtualThreads("state-files"), onFailure);
    }

    void writePid() throws IOException {
        write(pidFile, ProcessHandle.current().pid() + "\n");
    }

    /** Something the state file shows changed: both files are rewritten within {@link #INTERVAL}. */
    void changed() {
        writer.changed();
    }

    /** Rewrites the state and status files from the groups as they are now (the writer never runs two at once). */
    private void writeState() throws IOException {
        List<GroupStatus> now = groups.get();
        Map<String, Object> state = report.of(now);
        write(stateFile, Json.line(state) + "\n");
        StringBuilder starter = new StringBuilder();
        for (GroupStatus g : now) {
            g.workers().stream().filter(GroupStatus.WorkerInfo::alive)
                    .forEach(w -> starter.append(g.generation()).append(':').append(w.pid()).append('\n'));
        }
        write(starterStatusFile, starter.toString());
    }

    /** On a clean exit: the pid file goes; the state files say nothing runs any more. */
    void removeOnExit() throws IOException {
        writer.close();
        Files.deleteIfExists(pidFile);
        Files.deleteIfExists(stateFile);
        Files.deleteIfExists(starterStatusFile);
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.replace(file, content.getBytes(StandardCharsets.UTF_8));
    }
}
