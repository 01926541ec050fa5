package io.rolld.testing;

import io.rolld.os.ResidentMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of a fixture {@code /proc} that rolld's readers take as a process's. */
public final class ProcFixture {
    private ProcFixture() {
    }

    /** {@code pid}'s resident set, as {@code statm} says it: {@code bytes} rounded down to whole pages. */
    public static void rss(Path proc, long pid, long bytes) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        long pages = bytes / ResidentMemory.PAGE_SIZE;
        Files.writeString(dir.resolve("statm"), (pages + 100) + " " + pages + " 0 1 0 " + pages + " 0\n");
    }
}
