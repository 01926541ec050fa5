package io.rolld.process;

import io.rolld.config.RunAs;
import io.rolld.os.Account;
import io.rolld.os.ErrnoException;
import io.rolld.os.Exit;
import io.rolld.os.HeldSocketSet;
import io.rolld.os.HeldSocket;
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
import java.util.stream.IntStream;

/**
 * How every worker is started, in both modes: posix_spawn in its own process group (a Ctrl-C in
 * rolld's terminal reaches rolld alone, which then stops the workers in order), every signal at its
 * default disposition, an empty signal mask, stdin {@code /dev/null}, stdout and stderr opened for
 * it in append mode, the given fds as 3, 4, ... and every other descriptor of the JVM closed.
 *
 * <p>With descriptors to pass, {@code LISTEN_PID} must be the server's own pid, known only in the
 * child, so argv goes through {@code /bin/sh -c 'LISTEN_PID=$$ exec "$0" "$@"'}: the shell exports
 * it and execs the server in place, keeping the pid. Without, argv is spawned directly (looked up
 * in PATH like execvp).
 *
 * <p>The exit is noticed and the child reaped by {@link ProcessWatch} through its pidfd (one thread
 * for every worker), with waitid(P_PIDFD) on that one child, never on -1, so the JDK's own children
 * (hooks, checks) are left to the JDK, and the status is exact.
 */
public final class NativeSpawn {
    static final String SHELL = "/bin/sh";
    static final String EXPORT_OWN_PID = "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"";
    /** rolld's own protocol variables and JVM setting: a worker gets its own values or none, never rolld's. */
    static final List<String> NOT_INHERITED = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES",
            "NOTIFY_SOCKET", "SERVER_STARTER_PORT", "SERVER_STARTER_GENERATION", "WATCHDOG_USEC", "WATCHDOG_PID",
            "_JAVA_SR_SIGNUM");
    /**
     * Every signal a process can catch or ignore (all but SIGKILL and SIGSTOP): a worker starts
     * with each at its default action, whatever the JVM or rolld's launcher did with them (an
     * ignored disposition survives exec: the launcher ignores HUP, a background job of a script
     * starts with INT and QUIT ignored, and glibc's posix_spawn ignores its own two internal
     * signals, 32 and 33, in the child unless told otherwise).
     */
    private static final List<Integer> DEFAULT_SIGNALS = IntStream.rangeClosed(1, 64)
            .filter(s -> s != 9 && s != 19).boxed().toList();
    private static final int FILE_MODE = 0644;
    /** rolld's environment never changes once it runs: copied once, not at every spawn. */
    private static final Map<String, String> INHERITED = inherited();

    private NativeSpawn() {
    }

    /**
     * @param fds rolld's descriptors to hand on, in order; each becomes fd {@code 3 + index}. They
     *            must all be {@code >= 3 + fds.size()} (see {@link HeldSocket}) so no dup2 overwrites a later source.
     */
    public static Worker spawn(WorkerSpec spec, List<Integer> fds) throws IOException {
        List<PosixSpawn.FileAction> actions = new ArrayList<>();
        actions.add(new PosixSpawn.FileAction.Chdir(spec.directory().toString()));
        actions.add(new PosixSpawn.FileAction.Open(0, "/dev/null", PosixSpawn.O_RDONLY, 0));
        output(spec.stdout(), 1).ifPresent(actions::add);
        output(spec.stderr(), 2).ifPresent(actions::add);
        for (int i = 0; i < fds.size(); i++) {
            if (fds.get(i) < HeldSocketSet.FIRST_FD + fds.size()) {
                throw new IllegalArgumentException("fd " + fds.get(i) + " would be overwritten by an earlier dup2");
            }
            actions.add(new PosixSpawn.FileAction.Dup2(fds.get(i), HeldSocketSet.FIRST_FD + i));
        }
        actions.add(new PosixSpawn.FileAction.CloseFrom(HeldSocketSet.FIRST_FD + fds.size()));

        List<String> argv = new ArrayList<>();
        if (!fds.isEmpty()) {
            argv.addAll(List.of(SHELL, "-c", EXPORT_OWN_PID));
        }
        if (spec.runAs().isPresent()) {
            argv.addAll(runAs(spec));
        }
        argv.addAll(spec.argv());
        long pid;
        try {
            pid = PosixSpawn.posixSpawn(argv.getFirst(), argv, environment(spec.env()), actions, DEFAULT_SIGNALS);
        } catch (ErrnoException e) {
            throw new IOException("cannot start " + String.join(" ", spec.argv()) + ": " + e.getMessage(), e);
        }
        // A zombie still has its /proc entry, so the handle exists until the watch reaps it.
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("spawned pid " + pid + " vanished"));
        CompletableFuture<Exit> exit;
        try {
            exit = ProcessWatch.shared().onChildExit(pid);
        } catch (ErrnoException e) { // pidfds need Linux 5.3+: never leave an unwatched worker behind
            handle.destroyForcibly();
            PosixSpawn.waitpid(pid);
            throw new IOException("cannot watch " + String.join(" ", spec.argv()) + " (pid " + pid + "): " + e.getMessage(), e);
        }
        return new Worker(spec.port(), handle, exit, spec.stderr());
    }

    /**
     * The setpriv prefix that switches to {@code user:}/{@code group:}, once that account was found
     * able to enter the directory and reach the files the command names ({@link RunAsAccess}).
     */
    private static List<String> runAs(WorkerSpec spec) throws IOException {
        RunAs runAs = spec.runAs().orElseThrow();
        if (runAs.user().isPresent() && runAs.group().isPresent()) {
            Account account;
            try {
                account = Account.of(runAs.user().get(), runAs.group().get());
            } catch (IllegalArgumentException | ErrnoException e) {
                throw new IOException(e.getMessage(), e);
            }
            Optional<String> problem = RunAsAccess.problem(account, spec.directory(), spec.argv());
            if (problem.isPresent()) {
                throw new IOException(problem.get());
            }
        }
        return runAs.prefix();
    }

    private static Optional<PosixSpawn.FileAction> output(Optional<Path> file, int fd) throws IOException {
        if (file.isEmpty()) {
            return Optional.empty(); // rolld's own stdout/stderr, inherited
        }
        Path parent = file.get().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Optional.of(new PosixSpawn.FileAction.Open(fd, file.get().toString(), PosixSpawn.O_WRONLY | PosixSpawn.O_CREAT | PosixSpawn.O_APPEND, FILE_MODE));
    }

    private static Map<String, String> inherited() {
        Map<String, String> env = new HashMap<>(System.getenv());
        NOT_INHERITED.forEach(env::remove);
        return Map.copyOf(env);
    }

    private static List<String> environment(Map<String, String> added) {
        Map<String, String> env = new HashMap<>(INHERITED);
        env.putAll(added);
        List<String> entries = new ArrayList<>(env.size());
        env.forEach((k, v) -> entries.add(k + "=" + v));
        return entries;
    }
}
