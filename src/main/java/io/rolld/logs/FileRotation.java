package io.rolld.logs;

import io.rolld.config.LogRotation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Rotates one log file: older copies shift up ({@code FILE.1} becomes {@code FILE.2}, ...), the
 * file itself becomes {@code FILE.1}, and at most {@code keep} copies stay; {@link #gzip} then
 * compresses the new copy, once the file itself is free again.
 *
 * <p>A worker's file is rotated by copy and truncate: the worker holds it open with
 * {@code O_APPEND}, so after the truncate its next write lands at the new end, offset 0. What it
 * writes between the end of the copy and the truncate is lost; the copy catches up with the file
 * until it has seen its end, then truncates at once, so that window is one system call long
 * ({@link Result#windowNanos}). rolld's own log file, whose writer rolld controls, is renamed
 * instead and reopened: nothing is lost.
 */
final class FileRotation {
    /** A writer faster than the copy is not chased forever; what it wrote past the last round is counted as lost. */
    private static final int MAX_ROUNDS = 8;
    private static final int GZIP_BUFFER = 64 * 1024;

    /**
     * @param lostBytes   bytes seen written after the copy's last round and discarded by the truncate
     *                    (0 when the copy caught up; writes inside the window itself cannot be seen)
     * @param windowNanos from the copy's last look at the file's size to the end of the truncate
     * @param copy        the copy made ({@code FILE.1}), absent with {@code keep: 0}
     */
    record Result(long lostBytes, long windowNanos, Optional<Path> copy) {
    }

    private FileRotation() {
    }

    /** Copy and truncate, for a file another process appends to. */
    static Result copyAndTruncate(Path file, LogRotation policy) throws IOException {
        shift(file, policy.keep());
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel truncating = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (policy.keep() == 0) {
                long start = System.nanoTime();
                truncating.truncate(0);
                return new Result(0, System.nanoTime() - start, Optional.empty());
            }
            Path copy = numbered(file, 1, false);
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(file));
            long copied = 0;
            long size;
            long looked;
            try (FileChannel out = FileChannel.open(copy, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), mode)) {
                int round = 0;
                while (true) {
                    size = in.size();
                    looked = System.nanoTime();
                    if (size <= copied || round++ == MAX_ROUNDS) {
                        break;
                    }
                    while (copied < size) {
                        copied += in.transferTo(copied, size - copied, out);
                    }
                }
                truncating.truncate(0);
            }
            long window = System.nanoTime() - looked;
            return new Result(Math.max(0, size - copied), window, Optional.of(copy));
        }
    }

    /** Rename and reopen, for a file whose writer {@code reopen} points at a new file of the same name. */
    static Result renameAndReopen(Path file, LogRotation policy, Runnable reopen) throws IOException {
        shift(file, policy.keep());
        Path copy = numbered(file, 1, false);
        long start = System.nanoTime();
        Files.move(file, copy, StandardCopyOption.ATOMIC_MOVE);
        reopen.run(); // lines logged meanwhile went to the renamed file: nothing is lost
        long window = System.nanoTime() - start;
        if (policy.keep() == 0) {
            Files.delete(copy);
            return new Result(0, window, Optional.empty());
        }
        return new Result(0, window, Optional.of(copy));
    }

    /** {@code FILE.n}, or {@code FILE.n.gz}. */
    static Path numbered(Path file, int n, boolean gz) {
        return file.resolveSibling(file.getFileName() + "." + n + (gz ? ".gz" : ""));
    }

    /**
     * Makes room for a new {@code FILE.1}: every copy numbered {@code keep} or more is removed (so a
     * smaller {@code keep} than before trims the surplus too), the others move up by one.
     */
    private static void shift(Path file, int keep) throws IOException {
        Pattern copyName = Pattern.compile(Pattern.quote(file.getFileName().toString()) + "\\.([0-9]{1,6})(\\.gz)?");
        int highest = 0;
        try (Stream<Path> siblings = Files.list(file.toAbsolutePath().getParent())) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                Matcher m = copyName.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                int n = Integer.parseInt(m.group(1));
                if (n >= Math.max(keep, 1)) {
                    Files.deleteIfExists(p);
                } else {
                    highest = Math.max(highest, n);
                }
            }
        }
        for (int n = highest; n >= 1; n--) {
            for (boolean gz : new boolean[] {false, true}) {
                Path from = numbered(file, n, gz);
                if (Files.exists(from)) {
                    Files.move(from, numbered(file, n + 1, gz), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * {@code FILE.1} to {@code FILE.1.gz} (written aside, then renamed), then {@code FILE.1} is
     * removed; at gzip's fastest level, since a daemon's CPU matters more than a few percent of disk.
     */
    static Path gzip(Path copy) throws IOException {
        Path gz = copy.resolveSibling(copy.getFileName() + ".gz");
        Path partial = copy.resolveSibling(copy.getFileName() + ".gz.partial");
        Files.deleteIfExists(partial); // left by a rolld that died while compressing
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(copy)));
        try (InputStream in = Files.newInputStream(copy);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(partial), GZIP_BUFFER) {
                 {
                     def.setLevel(Deflater.BEST_SPEED);
                 }
             }) {
            in.transferTo(out);
        }
        Files.move(partial, gz, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(copy);
        return gz;
    }
}
