package io.rolld.process;

import io.rolld.os.ErrnoException;
import io.rolld.os.Exit;
import io.rolld.os.InheritedSockets;
import io.rolld.os.ListeningSocket;
import io.rolld.os.PosixSpawn;
import io.rolld.os.ProcessWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Starts a worker that inherits descriptors, which ProcessBuilder cannot do: posix_spawn with the
 * given fds as 3, 4, ..., every other descriptor of the JVM closed, its own process group, default
 * signal dispositions and an empty mask. {@code LISTEN_PID} must be the server's own pid, known
 * only in the child, so argv goes through {@code /bin/sh -c 'LISTEN_PID=$$ exec "$0" "$@"'}: the
 * shell exports it and execs the server in place, keeping the pid. Each child's exit is noticed by
 * {@link ProcessWatch} and reaped with waitpid on its pid, never -1, so the JDK's children are left alone.
 */
public final class NativeSpawn {
    static final String SHELL = "/bin/sh";
    static final String EXPORT_OWN_PID = "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"";
    /** Variables describing rolld's own inheritance (if it was itself socket-activated); never passed on as they are. */
    /** rolld's own protocol variables: a worker gets its own values or none, never rolld's. */
    static final List<String> NOT_INHERITED = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES",
            "NOTIFY_SOCKET", "SERVER_STARTER_PORT", "SERVER_STARTER_GENERATION");
    /** Signals a worker must start with at their default action, whatever the JVM or rolld's launcher did with them. */
    private static final List<Integer> DEFAULT_SIGNALS = List.of(1, 2, 3, 10, 12, 13, 14, 15, 17, 28);
    private static final int FILE_MODE = 0644;

    private NativeSpawn() {
    }

    /**
     * @param fds rolld's descriptors to hand on, in order; each becomes fd {@code 3 + index}. They
     *            must all be {@code >= 3 + fds.size()} (see {@link ListeningSocket}) so no dup2 overwrites a later source.
     */
    public static Worker spawn(WorkerSpec spec, List<Integer> fds) throws IOException {
        List<PosixSpawn.FileAction> actions = new ArrayList<>();
        actions.add(new PosixSpawn.FileAction.Chdir(spec.directory().toString()));
        actions.add(new PosixSpawn.FileAction.Open(0, "/dev/null", PosixSpawn.O_RDONLY, 0));
        output(spec.stdout(), 1).ifPresent(actions::add);
        output(spec.stderr(), 2).ifPresent(actions::add);
        for (int i = 0; i < fds.size(); i++) {
            if (fds.get(i) < InheritedSockets.FIRST_FD + fds.size()) {
                throw new IllegalArgumentException("fd " + fds.get(i) + " would be overwritten by an earlier dup2");
            }
            actions.add(new PosixSpawn.FileAction.Dup2(fds.get(i), InheritedSockets.FIRST_FD + i));
        }
        actions.add(new PosixSpawn.FileAction.CloseFrom(InheritedSockets.FIRST_FD + fds.size()));

        List<String> argv = new ArrayList<>(List.of(SHELL, "-c", EXPORT_OWN_PID));
        argv.addAll(spec.argv());
        long pid;
        try {
            pid = PosixSpawn.posixSpawn(SHELL, argv, environment(spec.env()), actions, DEFAULT_SIGNALS);
        } catch (ErrnoException e) {
            throw new IOException("cannot start " + String.join(" ", spec.argv()) + ": " + e.getMessage(), e);
        }
        // A zombie still has its /proc entry, so the handle exists until it is reaped below.
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("spawned pid " + pid + " vanished"));
        // The pidfd watch notices the exit (one thread for every worker); waitpid then reaps the
        // zombie at once and gives the authoritative status.
        CompletableFuture<Exit> exit;
        try {
            exit = ProcessWatch.shared().onExit(handle).thenApply(seen -> Exit.ofWaitStatus(PosixSpawn.waitpid(pid)));
        } catch (ErrnoException e) { // pidfds need Linux 5.4+: never leave an unwatched worker behind
            handle.destroyForcibly();
            PosixSpawn.waitpid(pid);
            throw new IOException("cannot watch " + String.join(" ", spec.argv()) + " (pid " + pid + "): " + e.getMessage(), e);
        }
        return new Worker(spec.port(), handle, exit, spec.stderr());
    }

    private static Optional<PosixSpawn.FileAction> output(Optional<Path> file, int fd) throws IOException {
        if (file.isEmpty()) {
            return Optional.empty(); // rolld's own stdout/stderr, as with ProcessBuilder's INHERIT
        }
        Path parent = file.get().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Optional.of(new PosixSpawn.FileAction.Open(fd, file.get().toString(), PosixSpawn.O_WRONLY | PosixSpawn.O_CREAT | PosixSpawn.O_APPEND, FILE_MODE));
    }

    private static List<String> environment(Map<String, String> added) {
        Map<String, String> env = new HashMap<>(System.getenv());
        NOT_INHERITED.forEach(env::remove);
        env.putAll(added);
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
    }
}
