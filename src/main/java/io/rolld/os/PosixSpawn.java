package io.rolld.os;

import static io.rolld.os.NativeCalls.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * posix_spawn(3) with file actions, and waitpid(2) for a child it started: how every worker is
 * started. {@code ProcessBuilder} cannot pass descriptors, start a process group or reset signal
 * dispositions, and its exit value cannot tell an exit with status 130 from a death by SIGINT.
 */
public final class PosixSpawn {
    private static final MethodHandle WAITPID = bind("waitpid", FunctionDescriptor.of(INT, INT, ADDR, INT));
    // posix_spawn and friends return the error number instead of setting errno.
    private static final MethodHandle SPAWN = plain("posix_spawnp", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR));
    private static final MethodHandle FA_INIT = plain("posix_spawn_file_actions_init", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle FA_DESTROY = plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle FA_DUP2 = plain("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(INT, ADDR, INT, INT));
    private static final MethodHandle FA_OPEN = plain("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(INT, ADDR, INT, ADDR, INT, INT));
    private static final MethodHandle FA_CLOSEFROM = plain("posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(INT, ADDR, INT));
    private static final MethodHandle FA_CHDIR = plain("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(INT, ADDR, ADDR));
    private static final MethodHandle ATTR_INIT = plain("posix_spawnattr_init", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle ATTR_DESTROY = plain("posix_spawnattr_destroy", FunctionDescriptor.of(INT, ADDR));
    private static final MethodHandle ATTR_FLAGS = plain("posix_spawnattr_setflags", FunctionDescriptor.of(INT, ADDR, ValueLayout.JAVA_SHORT));
    private static final MethodHandle ATTR_PGROUP = plain("posix_spawnattr_setpgroup", FunctionDescriptor.of(INT, ADDR, INT));
    private static final MethodHandle ATTR_SIGMASK = plain("posix_spawnattr_setsigmask", FunctionDescriptor.of(INT, ADDR, ADDR));
    private static final MethodHandle ATTR_SIGDEFAULT = plain("posix_spawnattr_setsigdefault", FunctionDescriptor.of(INT, ADDR, ADDR));

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_CREAT = 0x40;
    public static final int O_APPEND = 0x400;
    private static final short POSIX_SPAWN_SETPGROUP = 0x02;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Generous upper bounds of glibc's opaque posix_spawn structs (80 and 336 bytes on x86_64). */
    private static final long FILE_ACTIONS_SIZE = 512;
    private static final long SPAWNATTR_SIZE = 1024;
    private static final long SIGSET_SIZE = 128;

    private PosixSpawn() {
    }

    /**
     * waitpid(pid, &status, 0) for one specific child, never -1, so the JDK's own children are
     * left to the JDK. Blocks; returns the raw wait status.
     */
    public static int waitpid(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(INT);
            while (true) {
                Call c = call(arena, "waitpid", s -> (int) WAITPID.invokeExact(s, (int) pid, status, 0));
                if (c.rc() < 0 && c.errno() == EINTR) {
                    continue;
                }
                check(c, "waitpid(" + pid + ")");
                return status.get(INT, 0);
            }
        }
    }

    /** What the child does with its descriptors before exec, in order. */
    public sealed interface FileAction {
        record Dup2(int from, int to) implements FileAction {
        }

        record Open(int fd, String path, int flags, int mode) implements FileAction {
        }

        /** Closes every descriptor from {@code lowest} up (glibc 2.34+). */
        record CloseFrom(int lowest) implements FileAction {
        }

        record Chdir(String directory) implements FileAction {
        }
    }

    /**
     * posix_spawnp(3) of {@code path} (looked up in rolld's PATH when it has no slash, as execvp
     * does) in a new process group, with the default disposition for {@code defaultSignals} and an
     * empty signal mask (the JVM's own mask must not leak into a worker). Returns the child's pid;
     * the child must be reaped ({@link ProcessWatch#onChildExit(long)}, or {@link #waitpid}).
     * A program that cannot be executed fails here, with exec's errno.
     */
    public static long posixSpawn(String path, List<String> argv, List<String> env, List<FileAction> actions,
                                  List<Integer> defaultSignals) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fa = arena.allocate(FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(SPAWNATTR_SIZE, 16);
            spawnCheck((int) FA_INIT.invokeExact(fa), "posix_spawn_file_actions_init");
            try {
                spawnCheck((int) ATTR_INIT.invokeExact(attr), "posix_spawnattr_init");
                try {
                    for (FileAction action : actions) {
                        addAction(arena, fa, action);
                    }
                    MemorySegment empty = arena.allocate(SIGSET_SIZE, 8);
                    MemorySegment defaults = arena.allocate(SIGSET_SIZE, 8);
                    for (int signo : defaultSignals) { // sigaddset: bit signo-1 of an array of unsigned longs
                        long word = defaults.get(ValueLayout.JAVA_LONG, (signo - 1) / 64 * 8L);
                        defaults.set(ValueLayout.JAVA_LONG, (signo - 1) / 64 * 8L, word | 1L << ((signo - 1) % 64));
                    }
                    spawnCheck((int) ATTR_SIGMASK.invokeExact(attr, empty), "posix_spawnattr_setsigmask");
                    spawnCheck((int) ATTR_SIGDEFAULT.invokeExact(attr, defaults), "posix_spawnattr_setsigdefault");
                    spawnCheck((int) ATTR_PGROUP.invokeExact(attr, 0), "posix_spawnattr_setpgroup");
                    spawnCheck((int) ATTR_FLAGS.invokeExact(attr,
                            (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)), "posix_spawnattr_setflags");
                    MemorySegment pid = arena.allocate(INT);
                    spawnCheck((int) SPAWN.invokeExact(pid, arena.allocateFrom(path), fa, attr,
                            strings(arena, argv), strings(arena, env)), "posix_spawn(" + path + ")");
                    return pid.get(INT, 0);
                } finally {
                    int unused = (int) ATTR_DESTROY.invokeExact(attr);
                }
            } finally {
                int unused = (int) FA_DESTROY.invokeExact(fa);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("posix_spawn could not be called", t);
        }
    }

    private static void addAction(Arena arena, MemorySegment fa, FileAction action) throws Throwable {
        switch (action) {
            case FileAction.Dup2(int from, int to) ->
                    spawnCheck((int) FA_DUP2.invokeExact(fa, from, to), "posix_spawn_file_actions_adddup2");
            case FileAction.Open(int fd, String path, int flags, int mode) ->
                    spawnCheck((int) FA_OPEN.invokeExact(fa, fd, arena.allocateFrom(path), flags, mode), "posix_spawn_file_actions_addopen");
            case FileAction.CloseFrom(int lowest) ->
                    spawnCheck((int) FA_CLOSEFROM.invokeExact(fa, lowest), "posix_spawn_file_actions_addclosefrom_np");
            case FileAction.Chdir(String directory) ->
                    spawnCheck((int) FA_CHDIR.invokeExact(fa, arena.allocateFrom(directory)), "posix_spawn_file_actions_addchdir_np");
        }
    }

    private static void spawnCheck(int rc, String what) {
        if (rc != 0) {
            throw new ErrnoException(what, rc);
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
}
