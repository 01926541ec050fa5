package io.rolld.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a process's descriptor refers to, read from {@code /proc/PID/fd/N} ({@code socket:[INODE]},
 * a path, ...). Two descriptors showing the same {@code socket:[INODE]} are one socket, so rolld
 * can tell that a worker still holds the very socket rolld holds.
 */
public final class OpenFiles {
    private OpenFiles() {
    }

    /** The target of descriptor {@code fd} of process {@code pid}; empty when either is gone or unreadable. */
    public static Optional<String> target(long pid, int fd) {
        return read(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd)));
    }

    /** The target of rolld's own descriptor {@code fd}. */
    public static Optional<String> own(int fd) {
        return read(Path.of("/proc/self/fd", Integer.toString(fd)));
    }

    private static Optional<String> read(Path link) {
        try {
            return Optional.of(Files.readSymbolicLink(link).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
