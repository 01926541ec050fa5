package io.rolld.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * How every binding in this package calls libc through {@code java.lang.foreign}: each function is
 * linked once, with C names, and {@code errno} captured right after the call. Linux x86_64/aarch64
 * with glibc (the struct layouts in the binding classes assume it).
 */
final class NativeCalls {
    static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final java.lang.foreign.AddressLayout ADDR = ValueLayout.ADDRESS;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENAMETOOLONG = 36;

    private NativeCalls() {
    }

    static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor, CAPTURE_ERRNO);
    }

    static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor);
    }

    /** A system call's return value together with the errno it left. */
    record Call(long rc, int errno) {
    }

    @FunctionalInterface
    interface Invocation {
        long invoke(MemorySegment state) throws Throwable;
    }

    static Call call(Arena arena, String what, Invocation invocation) {
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

    static long check(Call c, String what) {
        if (c.rc() < 0) {
            throw new ErrnoException(what, c.errno());
        }
        return c.rc();
    }
}
