package io.rolld.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few POSIX calls the JDK does not offer, bound once through {@code java.lang.foreign}.
 * Methods keep their C names and take Java values; failures throw {@link ErrnoException} with
 * the captured errno and its text. Linux x86_64/aarch64 with glibc (struct layouts below).
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final java.lang.foreign.AddressLayout ADDR = ValueLayout.ADDRESS;

    private static final MethodHandle KILL = bind("kill", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle SIGNAL = LINKER.downcallHandle(find("signal"), FunctionDescriptor.of(ADDR, INT, ADDR));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(find("strerror"), FunctionDescriptor.of(ADDR, INT));
    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final MethodHandle LISTEN = bind("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle GETSOCKNAME = bind("getsockname", FunctionDescriptor.of(INT, INT, ADDR, ADDR));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(find("fcntl"),
            FunctionDescriptor.of(INT, INT, INT, INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle RECVMSG = bind("recvmsg", FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT, ADDR, INT));
    private static final MethodHandle WAITPID = bind("waitpid", FunctionDescriptor.of(INT, INT, ADDR, INT));
    // posix_spawn and friends return the error number instead of setting errno.
    private static final MethodHandle SPAWN = plain("posix_spawn", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR));
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

    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_PASSCRED = 16;
    public static final int SO_REUSEPORT = 15;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_CREAT = 0x40;
    public static final int O_APPEND = 0x400;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int SCM_CREDENTIALS = 2;
    private static final short POSIX_SPAWN_SETPGROUP = 0x02;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Generous upper bounds of glibc's opaque posix_spawn structs (80 and 336 bytes on x86_64). */
    private static final long FILE_ACTIONS_SIZE = 512;
    private static final long SPAWNATTR_SIZE = 1024;
    private static final long SIGSET_SIZE = 128;
    private static final int SUN_PATH_MAX = 108;
    private static final MemorySegment SIG_DFL = MemorySegment.ofAddress(0);
    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(9, "EBADF"), Map.entry(10, "ECHILD"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"), Map.entry(17, "EEXIST"), Map.entry(20, "ENOTDIR"), Map.entry(22, "EINVAL"),
            Map.entry(24, "EMFILE"), Map.entry(36, "ENAMETOOLONG"), Map.entry(95, "EOPNOTSUPP"), Map.entry(97, "EAFNOSUPPORT"),
            Map.entry(98, "EADDRINUSE"), Map.entry(99, "EADDRNOTAVAIL"));

    private Libc() {
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor, CAPTURE_ERRNO);
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor);
    }

    /** A system call's return value together with the errno it left. */
    private record Call(long rc, int errno) {
    }

    @FunctionalInterface
    private interface Invocation {
        long invoke(MemorySegment state) throws Throwable;
    }

    private static Call call(Arena arena, String what, Invocation invocation) {
        MemorySegment state = arena.allocate(CALL_STATE);
        try {
            long rc = invocation.invoke(state);
            return new Call(rc, rc < 0 ? (int) ERRNO.get(state, 0L) : 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + " could not be called", t);
        }
    }

    private static long check(Call c, String what) {
        if (c.rc() < 0) {
            throw new ErrnoException(what, c.errno());
        }
        return c.rc();
    }

    /** kill(2); a process that is already gone ({@code ESRCH}) is reported as {@code false}. */
    public static boolean kill(long pid, int signo) {
        try (Arena arena = Arena.ofConfined()) {
            Call c = call(arena, "kill", s -> (int) KILL.invokeExact(s, (int) pid, signo));
            if (c.rc() < 0 && c.errno() == ESRCH) {
                return false;
            }
            check(c, "kill(" + pid + ", " + signo + ")");
            return true;
        }
    }

    /**
     * Restores the default disposition of {@code signo}. An inherited "ignored" disposition
     * (nohup, or our launcher's {@code trap '' HUP}) would otherwise make the JVM refuse to
     * install a handler for it without a word.
     */
    public static void resetToDefault(int signo) {
        try {
            MemorySegment unused = (MemorySegment) SIGNAL.invokeExact(signo, SIG_DFL);
        } catch (Throwable t) {
            throw new IllegalStateException("signal(" + signo + ", SIG_DFL) could not be called", t);
        }
    }

    /** The C library's text for {@code errno} followed by its symbolic name, e.g. "Address already in use (EADDRINUSE)". */
    public static String strerror(int errno) {
        String text;
        try {
            text = ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(1024).getString(0);
        } catch (Throwable t) {
            text = "errno " + errno;
        }
        return text + " (" + ERRNO_NAMES.getOrDefault(errno, "errno " + errno) + ")";
    }

    /** socket(2); {@code type} may include {@link #SOCK_CLOEXEC} and {@link #SOCK_NONBLOCK}. */
    public static int socket(int domain, int type) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(call(arena, "socket", s -> (int) SOCKET.invokeExact(s, domain, type, 0)), "socket");
        }
    }

    public static void setsockopt(int fd, int level, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(INT, value);
            check(call(arena, "setsockopt", s -> (int) SETSOCKOPT.invokeExact(s, fd, level, option, v, (int) INT.byteSize())),
                    "setsockopt(" + option + ")");
        }
    }

    /** bind(2) to an IPv4 (4 bytes) or IPv6 (16 bytes) address; {@code what} names it in errors. */
    public static void bindInet(int fd, byte[] address, int port, String what) {
        try (Arena arena = Arena.ofConfined()) {
            boolean v6 = address.length == 16;
            MemorySegment sa = arena.allocate(v6 ? 28 : 16);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : AF_INET));
            sa.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
            MemorySegment.copy(address, 0, sa, ValueLayout.JAVA_BYTE, v6 ? 8 : 4, address.length);
            check(call(arena, "bind", s -> (int) BIND.invokeExact(s, fd, sa, (int) sa.byteSize())), "bind(" + what + ")");
        }
    }

    /** bind(2) to a Unix socket path. */
    public static void bindUnix(int fd, String path, String what) {
        try (Arena arena = Arena.ofConfined()) {
            check(call(arena, "bind", s -> (int) BIND.invokeExact(s, fd, unixAddress(arena, path, what), 110)), "bind(" + what + ")");
        }
    }

    private static MemorySegment unixAddress(Arena arena, String path, String what) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH_MAX) {
            throw new ErrnoException("bind(" + what + "): path longer than " + (SUN_PATH_MAX - 1) + " bytes", 36);
        }
        MemorySegment sa = arena.allocate(110);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, sa, ValueLayout.JAVA_BYTE, 2, bytes.length);
        return sa;
    }

    public static void listen(int fd, int backlog, String what) {
        try (Arena arena = Arena.ofConfined()) {
            check(call(arena, "listen", s -> (int) LISTEN.invokeExact(s, fd, backlog)), "listen(" + what + ")");
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            check(call(arena, "close", s -> (int) CLOSE.invokeExact(s, fd)), "close(" + fd + ")");
        }
    }

    /** fcntl(F_DUPFD_CLOEXEC): a close-on-exec copy of {@code fd} numbered {@code min} or higher. */
    public static int dupAtLeast(int fd, int min) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(call(arena, "fcntl", s -> (int) FCNTL.invokeExact(s, fd, F_DUPFD_CLOEXEC, min)), "fcntl(F_DUPFD_CLOEXEC)");
        }
    }

    /** The port an IPv4 or IPv6 socket is bound to (getsockname), e.g. after binding port 0. */
    public static int localPort(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(128);
            MemorySegment len = arena.allocateFrom(INT, 128);
            check(call(arena, "getsockname", s -> (int) GETSOCKNAME.invokeExact(s, fd, sa, len)), "getsockname");
            return Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
        }
    }

    /** One datagram and the pid of its sender (SCM_CREDENTIALS; needs {@link #SO_PASSCRED} on the socket). */
    public record Datagram(long senderPid, String text) {
    }

    /** recvmsg(2) without blocking: empty when nothing is queued. */
    public static Optional<Datagram> receiveWithSender(int fd, int maxBytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(maxBytes);
            MemorySegment iov = arena.allocate(16);
            iov.set(ADDR, 0, buf);
            iov.set(ValueLayout.JAVA_LONG, 8, maxBytes);
            MemorySegment control = arena.allocate(64, 8);
            MemorySegment msg = arena.allocate(56, 8); // struct msghdr
            msg.set(ADDR, 16, iov);
            msg.set(ValueLayout.JAVA_LONG, 24, 1);
            msg.set(ADDR, 32, control);
            msg.set(ValueLayout.JAVA_LONG, 40, control.byteSize());
            Call c = call(arena, "recvmsg", s -> (long) RECVMSG.invokeExact(s, fd, msg, MSG_DONTWAIT));
            if (c.rc() < 0 && (c.errno() == EAGAIN || c.errno() == EINTR)) {
                return Optional.empty();
            }
            int n = (int) check(c, "recvmsg");
            long pid = 0;
            // struct cmsghdr { size_t len; int level; int type; } followed by struct ucred { pid, uid, gid }
            if (msg.get(ValueLayout.JAVA_LONG, 40) >= 28 && control.get(INT, 8) == SOL_SOCKET && control.get(INT, 12) == SCM_CREDENTIALS) {
                pid = control.get(INT, 16);
            }
            return Optional.of(new Datagram(pid, new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8)));
        }
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
     * posix_spawn(3) of {@code path} in a new process group, with the default disposition for
     * {@code defaultSignals} and an empty signal mask (the JVM's own mask must not leak into
     * a worker). Returns the child's pid; the child must be reaped with {@link #waitpid}.
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

    /** A failed system call, with its errno. */
    public static final class ErrnoException extends RuntimeException {
        private final int errno;

        ErrnoException(String call, int errno) {
            super(call + " failed: " + strerror(errno));
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }
}
