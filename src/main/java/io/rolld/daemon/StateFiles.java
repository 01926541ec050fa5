package io.rolld.daemon;

import io.rolld.os.AtomicFile;
import io.rolld.rollout.GroupStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The files rolld keeps for other programs, each replaced atomically (temp file + rename):
 * the pid file; the state file (the JSON of {@code rolld status --json}); and {@code status}
 * beside it, Server::Starter's {@code --status-file} format: one {@code generation:pid} line per
 * live worker.
 */
final class StateFiles {
    private final Path pidFile;
    private final Path stateFile;
    private final Path starterStatusFile;

    StateFiles(Path pidFile, Path stateFile) {
        this.pidFile = pidFile;
        this.stateFile = stateFile;
        this.starterStatusFile = stateFile.resolveSibling("status");
    }

    void writePid() throws IOException {
        write(pidFile, ProcessHandle.current().pid() + "\n");
    }

    /** Rewrites the state and status files; callers from several threads are served in turn. */
    synchronized void writeState(Supplier<List<GroupStatus>> groups, StatusReport report) throws IOException {
        List<GroupStatus> now = groups.get();
        Map<String, Object> state = report.of(now);
        write(stateFile, ControlProtocol.encode(state) + "\n");
        StringBuilder starter = new StringBuilder();
        for (GroupStatus g : now) {
            g.workers().stream().filter(GroupStatus.WorkerInfo::alive)
                    .forEach(w -> starter.append(g.generation()).append(':').append(w.pid()).append('\n'));
        }
        write(starterStatusFile, starter.toString());
    }

    /** On a clean exit: the pid file goes; the state files say nothing runs any more. */
    synchronized void removeOnExit() throws IOException {
        Files.deleteIfExists(pidFile);
        Files.deleteIfExists(stateFile);
        Files.deleteIfExists(starterStatusFile);
    }

    Path pidFile() {
        return pidFile;
    }

    Path stateFile() {
        return stateFile;
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.write(file, content.getBytes(StandardCharsets.UTF_8));
    }
}
