package io.rolld.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * When a process started, in clock ticks since boot: field 22 of {@code /proc/PID/stat}. A pid and
 * its start time name one process for the machine's uptime, so a pid reused by another process is
 * told apart from the one rolld recorded. Takes the {@code /proc} root as a {@link Path}, so tests
 * feed fixture files.
 */
public final class ProcessStartTime {
    private static final ProcessStartTime SYSTEM = new ProcessStartTime(Path.of("/proc"));
    /** starttime is field 22; counted from field 3, the first after the parenthesised command name. */
    private static final int FIELD_AFTER_COMM = 22 - 3;

    private final Path proc;

    public ProcessStartTime(Path proc) {
        this.proc = proc;
    }

    public static ProcessStartTime system() {
        return SYSTEM;
    }

    /** The start time of {@code pid}; empty when there is no such process (or its stat is unreadable). */
    public OptionalLong of(long pid) {
        String stat;
        try {
            stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        // The command name may hold spaces and parentheses: the fields start after its last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
        if (fields.length <= FIELD_AFTER_COMM || !fields[FIELD_AFTER_COMM].matches("[0-9]{1,19}")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(fields[FIELD_AFTER_COMM]));
    }
}
