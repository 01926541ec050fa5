package io.rolld.logs;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Reads one log file the way {@code tail -F} does, for {@code rolld logs}: its last lines once,
 * then whatever is appended, across truncation and rotation. Lines read while following are
 * timed by the file's modification time taken before the read, and only bytes up to the size seen
 * with it are read, so every line's time is no earlier than when it was written and no later than
 * the file's last write before it was read.
 *
 * <ul>
 *   <li>Replaced (renamed away by a rotation, a new file created): the old file is read to its end
 *       through the descriptor still open, then the new one from its start.</li>
 *   <li>Truncated (copy and truncate), even if written past the point read since: what was
 *       written after the last read and copied before the truncate is read from the copy
 *       ({@code FILE.1}, or {@code FILE.1.gz} once compressed) whose bytes before that point are
 *       the last ones read, then the file from its start. Lines written between the copy and the
 *       truncate are gone for everyone.</li>
 *   <li>Missing: nothing until it appears, then from its start.</li>
 * </ul>
 */
public final class FileFollower implements AutoCloseable {
    /** A line without its newline, and when it was written (see the class comment). */
    public record Line(Instant time, String text) {
    }

    /** A line still without its newline after this long is shown as it is. */
    private static final long PARTIAL_LINE_NANOS = 1_000_000_000L;
    private static final int CHUNK = 64 * 1024;
    /** Enough bytes to span many lines, so two copies' bytes at the same offset never look alike. */
    private static final int TAIL = 4096;
    /** Rotations that may have happened between two looks at the file. */
    private static final int COPIES_SEARCHED = 5;

    private final Path path;
    private final ZoneId zone;
    private FileChannel channel;
    private Object fileKey;
    private long position;
    private Instant lastWrite = Instant.EPOCH;
    /** The last bytes read, ending at {@link #position}: still there means the file was not truncated under us. */
    private byte[] tail = new byte[0];
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long partialSince;

    public FileFollower(Path path, ZoneId zone) {
        this.path = path;
        this.zone = zone;
    }

    /**
     * Opens the file and returns its last {@code lines} complete lines, oldest first; following
     * starts right after them. Each line's time is its own stamp ({@link LineTime}), else that of
     * the nearest stamped line before it (a traceback belongs to its stamped first line), else
     * the file's modification time.
     */
    public List<Line> start(int lines) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return List.of(); // followed from its start once it appears
        }
        fileKey = a.fileKey();
        lastWrite = a.lastModifiedTime().toInstant();
        long end = lastNewline(a.size());
        position = end;
        tail = bytesBefore(channel, end);
        if (lines == 0 || end == 0) {
            return List.of();
        }
        List<String> texts = lastLines(end, lines);
        List<Line> timed = new ArrayList<>(texts.size());
        Optional<Instant> previous = Optional.empty();
        List<String> before = new ArrayList<>(); // lines ahead of the first stamp take that stamp
        for (String text : texts) {
            Optional<Instant> own = LineTime.of(text, zone);
            if (own.isPresent()) {
                previous = own;
                for (String b : before) {
                    timed.add(new Line(own.get(), b));
                }
                before.clear();
            }
            if (previous.isEmpty()) {
                before.add(text);
            } else {
                timed.add(new Line(previous.get(), text));
            }
        }
        for (String b : before) {
            timed.add(new Line(lastWrite, b));
        }
        return timed;
    }

    /** What was written since the last call (see the class comment for truncation and rotation). */
    public List<Line> poll() throws IOException {
        List<Line> lines = new ArrayList<>();
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            if (channel != null) { // renamed away, its successor not created yet: finish the old one
                readUpTo(channel.size(), Instant.now(), lines);
            }
            flushPartialIfOld(lines);
            return lines;
        }
        Instant modified = a.lastModifiedTime().toInstant();
        if (channel == null || !Objects.equals(fileKey, a.fileKey())) {
            if (channel != null) {
                readUpTo(channel.size(), Instant.now(), lines);
                flushPartial(lines, Instant.now());
                channel.close();
            }
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                channel = null;
                return lines;
            }
            fileKey = a.fileKey();
            position = 0;
            tail = new byte[0];
        } else if (a.size() < position || !Arrays.equals(tail, bytesBefore(channel, position))) {
            // Truncated, or truncated and written past the point read already: the bytes before it changed.
            recoverFromCopy(lines);
            position = 0;
            tail = new byte[0];
        }
        readUpTo(a.size(), modified, lines);
        flushPartialIfOld(lines);
        return lines;
    }

    /**
     * What was written after the last read and copied before the truncate: the copy of a
     * copy-and-truncate rotation ({@code FILE.n}, or {@code FILE.n.gz} once compressed) whose bytes
     * before the point read are the ones read last, from that point on, then every later copy
     * whole (more than one rotation happened if this command was held up that long).
     */
    private void recoverFromCopy(List<Line> lines) throws IOException {
        for (int n = 1; n <= COPIES_SEARCHED && position > 0; n++) {
            Optional<InputStream> match = copyMatchingTail(n);
            if (match.isPresent()) {
                try (InputStream in = match.get()) {
                    append(in.readAllBytes(), lastWrite, lines);
                }
                for (int later = n - 1; later >= 1; later--) {
                    Optional<InputStream> whole = open(later);
                    if (whole.isPresent()) {
                        try (InputStream in = whole.get()) {
                            append(in.readAllBytes(), lastWrite, lines);
                        }
                    }
                }
                break;
            }
        }
        flushPartial(lines, lastWrite);
    }

    /** Copy {@code n} positioned right after the bytes read last, if it has them there. */
    private Optional<InputStream> copyMatchingTail(int n) throws IOException {
        Optional<InputStream> copy = open(n);
        if (copy.isEmpty()) {
            return copy;
        }
        InputStream in = copy.get();
        try {
            in.skipNBytes(position - tail.length);
            if (Arrays.equals(tail, in.readNBytes(tail.length))) {
                return Optional.of(in);
            }
        } catch (EOFException e) {
            // shorter than what was read: not this one
        }
        in.close();
        return Optional.empty();
    }

    /** {@code FILE.n}, or {@code FILE.n.gz} decompressed; empty if neither is there (compressed and removed meanwhile). */
    private Optional<InputStream> open(int n) throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            try {
                InputStream raw = Files.newInputStream(FileRotation.numbered(path, n, gz));
                return Optional.of(gz ? new GZIPInputStream(raw, CHUNK) : raw);
            } catch (NoSuchFileException e) {
                // try the other name
            }
        }
        return Optional.empty();
    }

    /** Up to {@link #TAIL} bytes before {@code end}. */
    private static byte[] bytesBefore(FileChannel channel, long end) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(TAIL, end));
        channel.read(b, end - b.capacity());
        return Arrays.copyOf(b.array(), b.position());
    }

    private void readUpTo(long size, Instant writtenBy, List<Line> lines) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        while (position < size) {
            buffer.clear().limit((int) Math.min(CHUNK, size - position));
            int n = channel.read(buffer, position);
            if (n <= 0) {
                break;
            }
            position += n;
            byte[] read = Arrays.copyOf(buffer.array(), n);
            append(read, writtenBy, lines);
            tail = read.length >= TAIL ? Arrays.copyOfRange(read, read.length - TAIL, read.length) : bytesBefore(channel, position);
        }
        if (writtenBy.isAfter(lastWrite)) {
            lastWrite = writtenBy;
        }
    }

    private void append(byte[] bytes, Instant time, List<Line> lines) {
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                partial.write(bytes, from, i - from);
                lines.add(new Line(time, partial.toString(StandardCharsets.UTF_8)));
                partial.reset();
                from = i + 1;
            }
        }
        if (from < bytes.length) {
            if (partial.size() == 0) {
                partialSince = System.nanoTime();
            }
            partial.write(bytes, from, bytes.length - from);
        }
    }

    private void flushPartialIfOld(List<Line> lines) {
        if (partial.size() > 0 && System.nanoTime() - partialSince > PARTIAL_LINE_NANOS) {
            flushPartial(lines, lastWrite);
        }
    }

    private void flushPartial(List<Line> lines, Instant time) {
        if (partial.size() > 0) {
            lines.add(new Line(time, partial.toString(StandardCharsets.UTF_8)));
            partial.reset();
        }
    }

    /** Where the last complete line before {@code size} ends (0 if there is none). */
    private long lastNewline(long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        for (long end = size; end > 0; ) {
            long start = Math.max(0, end - CHUNK);
            buffer.clear().limit((int) (end - start));
            channel.read(buffer, start);
            for (int i = buffer.position() - 1; i >= 0; i--) {
                if (buffer.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    /** The last {@code count} lines of the bytes before {@code end}, which ends with a newline. */
    private List<String> lastLines(long end, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long start = end;
        int newlines = 0;
        search:
        while (start > 0) {
            long from = Math.max(0, start - CHUNK);
            buffer.clear().limit((int) (start - from));
            channel.read(buffer, from);
            for (int i = buffer.position() - 1; i >= 0; i--) {
                if (buffer.get(i) == '\n' && ++newlines == count + 1) {
                    start = from + i + 1;
                    break search;
                }
            }
            start = from;
        }
        ByteBuffer text = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, end - start));
        channel.read(text, start);
        String all = new String(text.array(), 0, text.position(), StandardCharsets.UTF_8);
        return all.isEmpty() ? List.of() : List.of(all.substring(0, all.length() - 1).split("\n", -1));
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
