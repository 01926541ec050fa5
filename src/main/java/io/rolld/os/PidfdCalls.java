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
 * Process file descriptors (Linux 5.3+; {@code pidfd_getfd} 5.6+) and what waits on them: epoll,
 * waitid. The pidfd calls go through {@code syscall(2)}, since glibc before 2.36 has no
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
    private static final MethodHandle EPOLL_CREATE1 = bind("epoll_create1", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle EPOLL_CTL = bind("epoll_ctl", FunctionDescriptor.of(INT, INT, INT, INT, ADDR));
    private static final MethodHandle EPOLL_WAIT = bind("epoll_wait", FunctionDescriptor.of(INT, INT, ADDR, INT, INT));
    private static final MethodHandle WAITID = bind("waitid", FunctionDescriptor.of(INT, INT, INT, ADDR, INT));

    private static final int EPOLLIN = 0x1;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CLOEXEC = 0x80000;
    /**
     * struct epoll_event { uint32_t events; uint64_t data; }: packed on x86_64 (12 bytes, data at
     * 4), naturally aligned elsewhere (16 bytes, data at 8).
     */
    private static final boolean PACKED_EPOLL_EVENT = System.getProperty("os.arch").equals("amd64");
    private static final long EPOLL_EVENT_SIZE = PACKED_EPOLL_EVENT ? 12 : 16;
    private static final long EPOLL_DATA_OFFSET = PACKED_EPOLL_EVENT ? 4 : 8;
    private static final int P_PIDFD = 3;
    private static final int WEXITED = 4;
    private static final int WNOHANG = 1;
    private static final int WNOWAIT = 0x01000000;
    private static final int ECHILD = 10;
    private static final int CLD_EXITED = 1;
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

    /** An epoll instance (close-on-exec): what the watch waits on, however many pidfds it holds. */
    static int epollCreate() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(call(arena, "epoll_create1", s -> (int) EPOLL_CREATE1.invokeExact(s, EPOLL_CLOEXEC)), "epoll_create1");
        }
    }

    /**
     * Adds {@code fd} to {@code epoll} for EPOLLIN, with {@code fd} itself as the key
     * {@link #epollWait} reports. Closing {@code fd} removes it again. Safe while another thread waits.
     */
    static void epollAdd(int epoll, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(EPOLL_EVENT_SIZE, 8);
            event.set(INT, 0, EPOLLIN);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, fd);
            check(call(arena, "epoll_ctl", s -> (int) EPOLL_CTL.invokeExact(s, epoll, EPOLL_CTL_ADD, fd, event)), "epoll_ctl(ADD, " + fd + ")");
        }
    }

    /**
     * epoll_wait(2) without timeout: the descriptors that are ready (at most {@code max}; none
     * when interrupted). Only the ready ones cost anything, unlike poll(2), which walks every
     * descriptor on every call.
     */
    static int[] epollWait(int epoll, int max) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(EPOLL_EVENT_SIZE * max, 8);
            Call c = call(arena, "epoll_wait", s -> (int) EPOLL_WAIT.invokeExact(s, epoll, events, max, -1));
            if (c.rc() < 0 && c.errno() == EINTR) {
                return new int[0];
            }
            int n = (int) check(c, "epoll_wait");
            int[] ready = new int[n];
            for (int i = 0; i < n; i++) {
                ready[i] = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, EPOLL_EVENT_SIZE * i + EPOLL_DATA_OFFSET);
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
}
