package io.rolld.os;

import static io.rolld.os.NativeCalls.*;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/** A failed system call, with its errno and the C library's text for it. */
public final class ErrnoException extends RuntimeException {
    private static final MethodHandle STRERROR = NativeCalls.LINKER.downcallHandle(NativeCalls.find("strerror"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(9, "EBADF"), Map.entry(10, "ECHILD"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"), Map.entry(17, "EEXIST"), Map.entry(20, "ENOTDIR"), Map.entry(22, "EINVAL"),
            Map.entry(24, "EMFILE"), Map.entry(36, "ENAMETOOLONG"), Map.entry(95, "EOPNOTSUPP"), Map.entry(97, "EAFNOSUPPORT"),
            Map.entry(98, "EADDRINUSE"), Map.entry(99, "EADDRNOTAVAIL"));

    private final int errno;

    ErrnoException(String call, int errno) {
        super(call + " failed: " + strerror(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
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
}
