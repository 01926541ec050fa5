package io.rolld.os;

import static io.rolld.os.NativeCalls.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The CPU priority (nice value) of a worker's process group: setpriority(2) with
 * {@code PRIO_PGRP}, which Linux applies to every thread of every process in the group, so a
 * worker's threads and the children it forked (each worker is spawned as the leader of its own
 * group, {@link PosixSpawn}) all follow, not only its main thread (nice is per thread on Linux).
 *
 * <p>Anyone may raise a nice value (lower the priority) of their own processes; lowering it again
 * takes {@code CAP_SYS_NICE} or a {@code RLIMIT_NICE} that allows it ({@link #mayLowerTo}).
 */
public final class Niceness {
    private static final MethodHandle SETPRIORITY = bind("setpriority", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final int PRIO_PGRP = 1;
    private static final int CAP_SYS_NICE = 23;
    /** nice is field 19 of /proc/PID/stat; counted from field 3, the first after the command name. */
    private static final int NICE_AFTER_COMM = 19 - 3;

    private Niceness() {
    }

    /**
     * Sets the nice value of every thread in process group {@code pgid}; false when the group is
     * gone ({@code ESRCH}).
     */
    public static boolean setGroup(long pgid, int nice) {
        try (Arena arena = Arena.ofConfined()) {
            Call c = call(arena, "setpriority", s -> (int) SETPRIORITY.invokeExact(s, PRIO_PGRP, (int) pgid, nice));
            if (c.rc() < 0 && c.errno() == ESRCH) {
                return false;
            }
            check(c, "setpriority(PRIO_PGRP, " + pgid + ", " + nice + ")");
            return true;
        }
    }

    /** The nice value of process {@code pid} (its main thread); empty when it is gone. */
    public static OptionalInt of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
            return OptionalInt.of(Integer.parseInt(fields[NICE_AFTER_COMM]));
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /** rolld's own nice value: what its workers inherit. */
    public static int own() {
        return of(ProcessHandle.current().pid()).orElseThrow();
    }

    /**
     * Whether rolld may set a nice value back down to {@code nice} once it raised it: with
     * {@code CAP_SYS_NICE} (root has it), or when its {@code RLIMIT_NICE} allows that value
     * (the limit is {@code 20 - lowest nice}).
     */
    public static boolean mayLowerTo(int nice) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:") && new BigInteger(line.substring(7).trim(), 16).testBit(CAP_SYS_NICE)) {
                    return true;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max nice priority")) {
                    String soft = line.substring("Max nice priority".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") || 20 - Integer.parseInt(soft) <= nice;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
