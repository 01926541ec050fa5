package io.rolld.os;

import io.rolld.config.PosixSignal;
import static io.rolld.os.NativeCalls.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * rolld's own process image: the command line it runs ({@code /proc/self/cmdline}) and execve(2)
 * to replace it in place. The pid stays, so children stay children and a service manager keeps
 * the same main process; only the descriptors named survive the exec.
 */
public final class ProcessImage {
    private static final MethodHandle EXECVE = bind("execve", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(find("fcntl"),
            FunctionDescriptor.of(INT, INT, INT, INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SIGACTION = plain("sigaction", FunctionDescriptor.of(INT, INT, ADDR, ADDR));
    private static final MethodHandle SIGMASK = plain("pthread_sigmask", FunctionDescriptor.of(INT, INT, ADDR, ADDR));
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int SIG_SETMASK = 2;
    private static final int SIGSET_BYTES = 128;
    /** struct sigaction (glibc, 64-bit): handler, sa_mask[128], sa_flags, sa_restorer. */
    private static final long SIGACTION_BYTES = 152;
    private static final long SIG_IGN = 1;

    private ProcessImage() {
    }

    /** The arguments this process was started with, argv[0] first. */
    public static List<String> commandLine() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.endsWith("\0")) {
            text = text.substring(0, text.length() - 1);
        }
        return List.of(text.split("\0", -1));
    }

    /**
     * Replaces this process with {@code argv} (argv[0] is the file run) and {@code env}; returns
     * only when execve fails, after undoing what it prepared. Every descriptor from 3 on is
     * marked close-on-exec except {@code keep}, whose flag is cleared. {@code ignoredAcrossExec}
     * signals are ignored, not defaulted, until the new image installs its handlers (an ignored
     * disposition survives execve; a handled one would become "terminate"). The calling thread's
     * signal mask, which the new image inherits, is emptied.
     */
    public static ErrnoException exec(List<String> argv, Map<String, String> env, List<Integer> keep,
                                      List<PosixSignal> ignoredAcrossExec) {
        for (int fd : openDescriptors()) {
            if (fd > 2 && !keep.contains(fd)) {
                setCloseOnExec(fd, true);
            }
        }
        keep.forEach(fd -> setCloseOnExec(fd, false));
        Map<PosixSignal, MemorySegment> previous = new HashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ignore = arena.allocate(SIGACTION_BYTES, 8);
            ignore.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, SIG_IGN);
            for (PosixSignal s : ignoredAcrossExec) {
                MemorySegment old = arena.allocate(SIGACTION_BYTES, 8);
                int rc = (int) SIGACTION.invokeExact(s.number(), ignore, old);
                previous.put(s, old);
            }
            MemorySegment empty = arena.allocate(SIGSET_BYTES, 8);
            MemorySegment oldMask = arena.allocate(SIGSET_BYTES, 8);
            int unused = (int) SIGMASK.invokeExact(SIG_SETMASK, empty, oldMask);
            MemorySegment path = arena.allocateFrom(argv.getFirst());
            MemorySegment argvArray = strings(arena, argv);
            MemorySegment envArray = strings(arena, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            Call c = call(arena, "execve", s -> (int) EXECVE.invokeExact(s, path, argvArray, envArray));
            // Still here: execve failed. Put back what the running image relies on.
            int restored = (int) SIGMASK.invokeExact(SIG_SETMASK, oldMask, MemorySegment.NULL);
            for (Map.Entry<PosixSignal, MemorySegment> p : previous.entrySet()) {
                int rc = (int) SIGACTION.invokeExact(p.getKey().number(), p.getValue(), MemorySegment.NULL);
            }
            keep.forEach(fd -> setCloseOnExec(fd, true));
            return new ErrnoException("execve(" + argv.getFirst() + ")", c.errno());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("execve could not be prepared", t);
        }
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDR, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDR, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDR, values.size(), MemorySegment.NULL);
        return array;
    }

    private static List<Integer> openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return new ArrayList<>(fds.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]{1,9}"))
                    .map(Integer::parseInt).toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list /proc/self/fd", e);
        }
    }

    /** Sets or clears FD_CLOEXEC; a descriptor closed meanwhile (the listing's own) is skipped. */
    static void setCloseOnExec(int fd, boolean on) {
        try (Arena arena = Arena.ofConfined()) {
            Call flags = call(arena, "fcntl", s -> (int) FCNTL.invokeExact(s, fd, F_GETFD, 0));
            if (flags.rc() < 0) {
                return; // EBADF
            }
            int next = on ? (int) flags.rc() | FD_CLOEXEC : (int) flags.rc() & ~FD_CLOEXEC;
            check(call(arena, "fcntl", s -> (int) FCNTL.invokeExact(s, fd, F_SETFD, next)), "fcntl(" + fd + ", F_SETFD)");
        }
    }

}
