package io.rolld.os;

import static io.rolld.os.NativeCalls.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import io.rolld.config.HeldSocketConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The socket calls behind {@link HeldSocket} and {@link NotifySocket}; methods keep their C names. */
final class SocketCalls {
    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final MethodHandle LISTEN = bind("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle GETSOCKNAME = bind("getsockname", FunctionDescriptor.of(INT, INT, ADDR, ADDR));
    private static final MethodHandle GETSOCKOPT = bind("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, ADDR));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(find("fcntl"),
            FunctionDescriptor.of(INT, INT, INT, INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle RECVMSG = bind("recvmsg", FunctionDescriptor.of(ValueLayout.JAVA_LONG, INT, ADDR, INT));

    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_PASSCRED = 16;
    static final int SO_REUSEPORT = 15;
    static final int SO_TYPE = 3;
    static final int SO_ACCEPTCONN = 30;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int SCM_CREDENTIALS = 2;
    private static final int SUN_PATH_MAX = 108;

    private SocketCalls() {
    }

    /** socket(2); {@code type} may include {@link #SOCK_CLOEXEC} and {@link #SOCK_NONBLOCK}. */
    static int socket(int domain, int type) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(call(arena, "socket", s -> (int) SOCKET.invokeExact(s, domain, type, 0)), "socket");
        }
    }

    static void setsockopt(int fd, int level, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(INT, value);
            check(call(arena, "setsockopt", s -> (int) SETSOCKOPT.invokeExact(s, fd, level, option, v, (int) INT.byteSize())),
                    "setsockopt(" + option + ")");
        }
    }

    /** bind(2) to an IPv4 (4 bytes) or IPv6 (16 bytes) address; {@code what} names it in errors. */
    static void bindInet(int fd, byte[] address, int port, String what) {
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
    static void bindUnix(int fd, String path, String what) {
        try (Arena arena = Arena.ofConfined()) {
            check(call(arena, "bind", s -> (int) BIND.invokeExact(s, fd, unixAddress(arena, path, what), 110)), "bind(" + what + ")");
        }
    }

    static MemorySegment unixAddress(Arena arena, String path, String what) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH_MAX) {
            throw new ErrnoException("bind(" + what + "): path longer than " + (SUN_PATH_MAX - 1) + " bytes", 36);
        }
        MemorySegment sa = arena.allocate(110);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, sa, ValueLayout.JAVA_BYTE, 2, bytes.length);
        return sa;
    }

    static void listen(int fd, int backlog, String what) {
        try (Arena arena = Arena.ofConfined()) {
            check(call(arena, "listen", s -> (int) LISTEN.invokeExact(s, fd, backlog)), "listen(" + what + ")");
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            check(call(arena, "close", s -> (int) CLOSE.invokeExact(s, fd)), "close(" + fd + ")");
        }
    }

    /** fcntl(F_DUPFD_CLOEXEC): a close-on-exec copy of {@code fd} numbered {@code min} or higher. */
    static int dupAtLeast(int fd, int min) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(call(arena, "fcntl", s -> (int) FCNTL.invokeExact(s, fd, F_DUPFD_CLOEXEC, min)), "fcntl(F_DUPFD_CLOEXEC)");
        }
    }

    /** The port an IPv4 or IPv6 socket is bound to (getsockname), e.g. after binding port 0. */
    static int localPort(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(128);
            MemorySegment len = arena.allocateFrom(INT, 128);
            check(call(arena, "getsockname", s -> (int) GETSOCKNAME.invokeExact(s, fd, sa, len)), "getsockname");
            return Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
        }
    }

    static int getsockopt(int fd, int level, int option) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(INT);
            MemorySegment len = arena.allocateFrom(INT, (int) INT.byteSize());
            check(call(arena, "getsockopt", s -> (int) GETSOCKOPT.invokeExact(s, fd, level, option, v, len)), "getsockopt(" + option + ")");
            return v.get(INT, 0);
        }
    }

    /** What a socket is bound to (getsockname): an IPv4/IPv6 address and port, or a Unix path; empty for another family. */
    static Optional<HeldSocketConfig.Address> localAddress(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(128);
            MemorySegment len = arena.allocateFrom(INT, 128);
            check(call(arena, "getsockname", s -> (int) GETSOCKNAME.invokeExact(s, fd, sa, len)), "getsockname");
            int family = Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT, 0));
            int port = Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
            return switch (family) {
                case AF_INET -> Optional.of(new HeldSocketConfig.Inet(literal(sa.asSlice(4, 4)), port));
                case AF_INET6 -> Optional.of(new HeldSocketConfig.Inet(literal(sa.asSlice(8, 16)), port));
                case AF_UNIX -> Optional.of(new HeldSocketConfig.Unix(Path.of(sa.asSlice(2, SUN_PATH_MAX).getString(0))));
                default -> Optional.empty();
            };
        }
    }

    private static String literal(MemorySegment bytes) {
        try {
            return InetAddress.getByAddress(bytes.toArray(ValueLayout.JAVA_BYTE)).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }

    /** One datagram and the pid of its sender (SCM_CREDENTIALS; needs {@link #SO_PASSCRED} on the socket). */
    public record Datagram(long senderPid, String text) {
    }

    /** recvmsg(2) without blocking: empty when nothing is queued. */
    static Optional<Datagram> receiveWithSender(int fd, int maxBytes) {
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
}
