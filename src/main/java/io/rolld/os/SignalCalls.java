package io.rolld.os;

import static io.rolld.os.NativeCalls.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** kill(2) and signal(2), for {@link ProcessTree} and {@link SignalHandlers}. */
final class SignalCalls {
    private static final MethodHandle KILL = bind("kill", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle SIGNAL = LINKER.downcallHandle(find("signal"), FunctionDescriptor.of(ADDR, INT, ADDR));
    private static final MemorySegment SIG_DFL = MemorySegment.ofAddress(0);

    private SignalCalls() {
    }

    /** kill(2); a process that is already gone ({@code ESRCH}) is reported as {@code false}. */
    static boolean kill(long pid, int signo) {
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
    static void resetToDefault(int signo) {
        try {
            MemorySegment unused = (MemorySegment) SIGNAL.invokeExact(signo, SIG_DFL);
        } catch (Throwable t) {
            throw new IllegalStateException("signal(" + signo + ", SIG_DFL) could not be called", t);
        }
    }
}
