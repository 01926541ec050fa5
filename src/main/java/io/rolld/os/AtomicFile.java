package io.rolld.os;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Replaces a file so that a reader (nginx) sees either the old or the new content, never half
 * of it: write a temporary file beside it, flush it to disk ({@link #write}), rename it over the
 * target.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        replace(target, content, true);
    }

    /**
     * The same without flushing to disk, for files that only matter while the machine runs
     * (rolld's state and workers files: after a power loss their processes are gone too). The
     * rename is just as atomic to every reader and to rolld's own death; only the fsync, the
     * slow part, is left out.
     */
    public static void replace(Path target, byte[] content) throws IOException {
        replace(target, content, false);
    }

    /**
     * Like {@link #replace}, for a file only rolld's user may read (mode 0600 from its creation, so
     * its content is never readable by others, not even for an instant).
     */
    public static void replacePrivate(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".rolld-tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        replace(target, content, false);
    }

    private static void replace(Path target, byte[] content, boolean fsync) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".rolld-tmp");
        try {
            Files.write(temp, content);
            if (fsync) {
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The current content, or empty when the file does not exist yet. */
    public static Optional<byte[]> read(Path target) throws IOException {
        return Files.exists(target) ? Optional.of(Files.readAllBytes(target)) : Optional.empty();
    }
}
