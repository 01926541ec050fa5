package io.rolld.os;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process's resident set size: the second field of {@code /proc/PID/statm}, in pages (the same
 * count as {@code VmRSS} in {@code /proc/PID/status}, which costs the kernel and rolld twice as
 * much: 36-55 ms against 16-20 ms for 1,000 workers, read at every {@code rolld status}). It
 * overstates forked workers that share pages copy-on-write, which memory limits must account for
 * separately. Takes the {@code /proc} root as a {@link Path}, so tests feed fixture files.
 */
public final class ResidentMemory {
    /** The kernel's page size, which statm counts in. */
    public static final long PAGE_SIZE = pageSize();

    private final Path proc;

    public ResidentMemory(Path proc) {
        this.proc = proc;
    }

    public static ResidentMemory system() {
        return new ResidentMemory(Path.of("/proc"));
    }

    /** RSS in bytes; empty when the process is gone or has no memory (a zombie). */
    public OptionalLong bytes(long pid) {
        byte[] statm;
        try {
            statm = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("statm"));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        int i = 0;
        while (i < statm.length && statm[i] != ' ') {
            i++; // past the first field, the total size
        }
        long pages = 0;
        for (i++; i < statm.length && statm[i] >= '0' && statm[i] <= '9'; i++) {
            pages = pages * 10 + (statm[i] - '0');
        }
        return pages == 0 ? OptionalLong.empty() : OptionalLong.of(pages * PAGE_SIZE);
    }

    private static long pageSize() {
        try {
            return (int) NativeCalls.plain("getpagesize", FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("getpagesize failed", e);
        }
    }
}
