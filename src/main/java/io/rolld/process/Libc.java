package io.rolld.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few POSIX calls the JDK does not offer, bound once through {@code java.lang.foreign}.
 * Methods keep their C names; failures throw {@link ErrnoException} with the captured errno.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle KILL = bind("kill",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SIGNAL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("signal").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    public static final int ESRCH = 3;
    private static final MemorySegment SIG_DFL = MemorySegment.ofAddress(0);

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, CAPTURE_ERRNO);
    }

    /** kill(2); a process that is already gone ({@code ESRCH}) is reported as {@code false}. */
    public static boolean kill(long pid, int signo) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) KILL.invokeExact(state, (int) pid, signo);
            if (rc == 0) {
                return true;
            }
            int errno = (int) ERRNO.get(state, 0L);
            if (errno == ESRCH) {
                return false;
            }
            throw new ErrnoException("kill(" + pid + ", " + signo + ")", errno);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + pid + ", " + signo + ") could not be called", t);
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

    /** A failed system call, with its errno. */
    public static final class ErrnoException extends RuntimeException {
        private final int errno;

        ErrnoException(String call, int errno) {
            super(call + " failed: errno " + errno);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }
}
