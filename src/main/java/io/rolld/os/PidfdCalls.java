package io.rolld.os;

import static io.rolld.os.NativeCalls.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Process file descriptors (Linux 5.3+; {@code pidfd_getfd} 5.6+) and what waits on them: poll,
 * waitid, eventfd. The pidfd calls go through {@code syscall(2)}, since glibc before 2.36 has no
 * wrappers; their numbers are the same on x86_64 and aarch64.
 */
final class PidfdCalls {
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_PIDFD_GETFD = 438;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final MethodHandle SYSCALL2 = LINKER.downcallHandle(find("syscall"),
            FunctionDescriptor.of(LONG, LONG, LONG, LONG), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL3 = LINKER.downcallHandle(find("syscall"),
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(INT, ADDR, LONG, INT));
    private static final MethodHandle WAITID = bind("waitid", FunctionDescriptor.of(INT, INT, INT, ADDR, INT));
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(LONG, INT, ADDR, LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(LONG, INT, ADDR, LONG));

    static final short POLLIN = 0x1;
    private static final int P_PIDFD = 3;
    private static final int WEXITED = 4;
    private static final int WNOHANG = 1;
    private static final int WNOWAIT = 0x01000000;
    private static final int ECHILD = 10;
    private static final int CLD_EXITED = 1;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    /** siginfo_t is 128 bytes; si_code at 8, si_pid at 16, si_status at 24 (x86_64 and aarch64). */
    private static final long SIGINFO_SIZE = 128;

    private PidfdCalls() {
    }

    /** pidfd_open(pid, 0); empty when there is no such process ({@code ESRCH}). The pidfd is close-on-exec. */
    static Optional<Integer> pidfdOpen(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            Call c = call(arena, "pidfd_open", s -> (long) SYSCALL2.invokeExact(s, SYS_PIDFD_OPEN, pid, 0L));
            if (c.rc() < 0 && c.errno() == ESRCH) {
                return Optional.empty();
            }
            return Optional.of((int) check(c, "pidfd_open(" + pid + ")"));
        }
    }

    /** pidfd_getfd(pidfd, targetfd, 0): a close-on-exec copy of another process's descriptor. */
    static int pidfdGetfd(int pidfd, int targetFd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(call(arena, "pidfd_getfd",
                    s -> (long) SYSCALL3.invokeExact(s, SYS_PIDFD_GETFD, (long) pidfd, (long) targetFd, 0L)), "pidfd_getfd(" + what + ")");
        }
    }

    /** poll(2) for POLLIN on every descriptor, without timeout: which are ready (none when interrupted). */
    static boolean[] pollIn(int[] fds) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(8L * fds.length, 4); // struct pollfd { int fd; short events, revents; }
            for (int i = 0; i < fds.length; i++) {
                set.set(INT, 8L * i, fds[i]);
                set.set(ValueLayout.JAVA_SHORT, 8L * i + 4, POLLIN);
            }
            Call c = call(arena, "poll", s -> (int) POLL.invokeExact(s, set, (long) fds.length, -1));
            boolean[] ready = new boolean[fds.length];
            if (c.rc() < 0 && c.errno() == EINTR) {
                return ready;
            }
            check(c, "poll");
            for (int i = 0; i < fds.length; i++) {
                ready[i] = set.get(ValueLayout.JAVA_SHORT, 8L * i + 6) != 0;
            }
            return ready;
        }
    }

    /**
     * How the process behind {@code pidfd} ended, read with waitid(P_PIDFD): the exact status,
     * an exit code told apart from a signal. With {@code reap} the zombie is reaped by this very
     * call (rolld's own workers); without, WNOWAIT leaves it to whoever reaps it (the JDK's
     * children). {@link Exit.Unknown} when it is not rolld's child ({@code ECHILD}) or was reaped already.
     */
    static Exit exitOf(int pidfd, boolean reap) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SIGINFO_SIZE, 8);
            int options = WEXITED | WNOHANG | (reap ? 0 : WNOWAIT);
            Call c = call(arena, "waitid", s -> (int) WAITID.invokeExact(s, P_PIDFD, pidfd, info, options));
            if (c.rc() < 0 && c.errno() == ECHILD || c.rc() == 0 && info.get(INT, 16) == 0) {
                return new Exit.Unknown();
            }
            check(c, "waitid(P_PIDFD)");
            int status = info.get(INT, 24);
            return info.get(INT, 8) == CLD_EXITED ? new Exit.Code(status) : new Exit.Signaled(status);
        }
    }

    /** A non-blocking, close-on-exec eventfd: one thread's wake-up bell. */
    static int eventfd() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(call(arena, "eventfd", s -> (int) EVENTFD.invokeExact(s, 0, EFD_NONBLOCK | EFD_CLOEXEC)), "eventfd");
        }
    }

    static void ring(int eventfd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocateFrom(LONG, 1L);
            check(call(arena, "write", s -> (long) WRITE.invokeExact(s, eventfd, one, 8L)), "write(eventfd)");
        }
    }

    /** Resets the bell; nothing to read ({@code EAGAIN}) is fine. */
    static void clear(int eventfd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(LONG);
            Call c = call(arena, "read", s -> (long) READ.invokeExact(s, eventfd, value, 8L));
            if (c.rc() < 0 && c.errno() != EAGAIN) {
                check(c, "read(eventfd)");
            }
        }
    }
}
