package io.rolld.os;

import static io.rolld.os.NativeCalls.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sending side of systemd's notify protocol, sd_notify(3): datagrams of newline-separated
 * assignments ({@code READY=1}, {@code STATUS=...}) to the AF_UNIX socket named by
 * {@code NOTIFY_SOCKET} (a leading {@code @} names an abstract socket). The JDK has no AF_UNIX
 * datagram sockets, hence sendmsg(2) here; descriptors for the fd store ride along as SCM_RIGHTS.
 */
public final class SdNotify {
    private static final MethodHandle SENDMSG = bind("sendmsg", FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT, ADDR, INT));
    private static final MethodHandle CLOCK_GETTIME = bind("clock_gettime", FunctionDescriptor.of(INT, INT, ADDR));
    private static final int CLOCK_MONOTONIC = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH_MAX = 108;

    private final String socket;
    private final int fd;

    private SdNotify(String socket, int fd) {
        this.socket = socket;
        this.fd = fd;
    }

    /** The service manager's socket when rolld runs under one ({@code NOTIFY_SOCKET} set), else empty. */
    public static Optional<SdNotify> fromEnvironment(Map<String, String> env) {
        String socket = env.getOrDefault("NOTIFY_SOCKET", "");
        if (socket.isEmpty() || !(socket.startsWith("/") || socket.startsWith("@"))) {
            return Optional.empty(); // vsock and relative addresses are not for a local daemon
        }
        int fd = SocketCalls.socket(SocketCalls.AF_UNIX, SocketCalls.SOCK_DGRAM | SocketCalls.SOCK_CLOEXEC);
        return Optional.of(new SdNotify(socket, fd));
    }

    /** Where the datagrams go, as written in {@code NOTIFY_SOCKET}. */
    public String socket() {
        return socket;
    }

    /** Sends {@code assignments} as one datagram. */
    public void send(List<String> assignments) {
        send(assignments, List.of());
    }

    /** Sends {@code assignments} as one datagram with {@code fds} attached (SCM_RIGHTS), e.g. for {@code FDSTORE=1}. */
    public synchronized void send(List<String> assignments, List<Integer> fds) {
        byte[] text = String.join("\n", assignments).concat("\n").getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = address(arena);
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, text);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDR, 0, buf);
            iov.set(ValueLayout.JAVA_LONG, 8, text.length);
            MemorySegment msg = arena.allocate(56, 8); // struct msghdr
            msg.set(ADDR, 0, address);
            msg.set(INT, 8, (int) address.byteSize());
            msg.set(ADDR, 16, iov);
            msg.set(ValueLayout.JAVA_LONG, 24, 1);
            if (!fds.isEmpty()) {
                // struct cmsghdr { size_t len; int level; int type; } then the descriptors, padded to 8
                long len = 16 + 4L * fds.size();
                MemorySegment control = arena.allocate((len + 7) & ~7L, 8);
                control.set(ValueLayout.JAVA_LONG, 0, len);
                control.set(INT, 8, SocketCalls.SOL_SOCKET);
                control.set(INT, 12, SCM_RIGHTS);
                for (int i = 0; i < fds.size(); i++) {
                    control.set(INT, 16 + 4L * i, fds.get(i));
                }
                msg.set(ADDR, 32, control);
                msg.set(ValueLayout.JAVA_LONG, 40, control.byteSize());
            }
            check(call(arena, "sendmsg", s -> (long) SENDMSG.invokeExact(s, fd, msg, MSG_NOSIGNAL)), "sendmsg(NOTIFY_SOCKET=" + socket + ")");
        }
    }

    /** CLOCK_MONOTONIC in microseconds, as {@code MONOTONIC_USEC=} wants it next to {@code RELOADING=1}. */
    public static long monotonicMicros() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            check(call(arena, "clock_gettime", s -> (int) CLOCK_GETTIME.invokeExact(s, CLOCK_MONOTONIC, ts)), "clock_gettime");
            return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000 + ts.get(ValueLayout.JAVA_LONG, 8) / 1_000;
        }
    }

    /** struct sockaddr_un for a path (NUL-terminated) or an abstract name ({@code @} becomes the leading NUL, no terminator). */
    private MemorySegment address(Arena arena) {
        byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_MAX) {
            throw new ErrnoException("NOTIFY_SOCKET=" + socket + ": longer than " + (SUN_PATH_MAX - 1) + " bytes", ENAMETOOLONG);
        }
        boolean abstractName = name[0] == '@';
        MemorySegment sa = arena.allocate(2 + name.length + (abstractName ? 0 : 1), 8);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) SocketCalls.AF_UNIX);
        MemorySegment.copy(name, 0, sa, ValueLayout.JAVA_BYTE, 2, name.length);
        if (abstractName) {
            sa.set(ValueLayout.JAVA_BYTE, 2, (byte) 0);
        }
        return sa;
    }
}
