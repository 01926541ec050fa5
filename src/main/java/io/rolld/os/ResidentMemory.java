package io.rolld.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process's resident set size, from the {@code VmRSS:} line of {@code /proc/PID/status} (in kB,
 * so no page-size arithmetic). Cheap enough for every {@code rolld status}; it overstates forked
 * workers that share pages copy-on-write, which memory limits must account for separately.
 */
public final class ResidentMemory {
    private final Path proc;

    public ResidentMemory(Path proc) {
        this.proc = proc;
    }

    public static ResidentMemory system() {
        return new ResidentMemory(Path.of("/proc"));
    }

    /** RSS in bytes; empty when the process is gone or has no memory (a zombie). */
    public OptionalLong bytes(long pid) {
        try {
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kb) * 1024);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
