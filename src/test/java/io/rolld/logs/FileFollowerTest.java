package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.config.LogRotation;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFollowerTest {
    @TempDir
    Path dir;

    private static List<String> texts(List<FileFollower.Line> lines) {
        return lines.stream().map(FileFollower.Line::text).toList();
    }

    private static void write(FileOutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void start_returnsTheLastCompleteLines_andPollTheRestOnceComplete() throws IOException {
        Path log = dir.resolve("app.log");
        Files.writeString(log, "one\ntwo\nthree\nhalf");
        try (FileFollower f = new FileFollower(log, ZoneId.of("UTC"));
             FileOutputStream worker = new FileOutputStream(log.toFile(), true)) {
            assertEquals(List.of("two", "three"), texts(f.start(2)));

            write(worker, " a line\nfour\n");

            assertEquals(List.of("half a line", "four"), texts(f.poll()));
            assertEquals(List.of(), texts(f.poll()));
        }
    }

    @Test
    void poll_afterCopyAndTruncate_readsTheMissedLinesFromTheCopyThenTheFileFromItsStart() throws IOException {
        Path log = dir.resolve("app.log");
        try (FileOutputStream worker = new FileOutputStream(log.toFile(), true);
             FileFollower f = new FileFollower(log, ZoneId.of("UTC"))) {
            write(worker, "1\n");
            f.start(10);
            write(worker, "2\n3\n"); // never polled before the rotation
            FileRotation.copyAndTruncate(log, new LogRotation(1, 2, true));
            write(worker, "4\n");

            assertEquals(List.of("2", "3", "4"), texts(f.poll()));
        }
    }

    @Test
    void poll_afterTwoRotationsOfTheSameSize_readsEachCopysMissedLines() throws IOException {
        Path log = dir.resolve("app.log");
        try (FileOutputStream worker = new FileOutputStream(log.toFile(), true);
             FileFollower f = new FileFollower(log, ZoneId.of("UTC"))) {
            f.start(10);
            write(worker, "a1\na2\n");
            assertEquals(List.of("a1", "a2"), texts(f.poll()));
            write(worker, "a3\n");
            FileRotation.gzip(FileRotation.copyAndTruncate(log, new LogRotation(1, 5, true)).copy().orElseThrow());
            write(worker, "b1\nb2\n");
            assertEquals(List.of("a3", "b1", "b2"), texts(f.poll()));
            write(worker, "b3\n");
            FileRotation.copyAndTruncate(log, new LogRotation(1, 5, true)); // the same length as the first copy
            write(worker, "c1\nc2\nc3\n"); // past the point read, before the next look

            assertEquals(List.of("b3", "c1", "c2", "c3"), texts(f.poll()));
        }
    }

    @Test
    void poll_afterTwoRotationsBetweenLooksOfLinesEndingAlike_readsTheRightCopyThenTheNext() throws IOException {
        Path log = dir.resolve("app.log");
        String pad = "x".repeat(90);
        try (FileOutputStream worker = new FileOutputStream(log.toFile(), true);
             FileFollower f = new FileFollower(log, ZoneId.of("UTC"))) {
            f.start(0);
            for (int n = 1; n <= 300; n++) {
                write(worker, n + " " + pad + "\n");
                if (n == 100) {
                    assertEquals(100, f.poll().size());
                }
                if (n == 150 || n == 250) { // two rotations, the file not looked at in between
                    FileRotation.gzip(FileRotation.copyAndTruncate(log, new LogRotation(1, 5, true)).copy().orElseThrow());
                }
            }

            List<String> numbers = f.poll().stream().map(l -> l.text().split(" ")[0]).toList();

            assertEquals(200, numbers.size(), numbers.toString());
            assertEquals("101", numbers.getFirst());
            assertEquals("300", numbers.getLast());
        }
    }

    @Test
    void poll_afterRenameAndNewFile_finishesTheOldFileThenReadsTheNewOne() throws IOException {
        Path log = dir.resolve("rolld.log");
        Files.writeString(log, "old 1\n");
        try (FileFollower f = new FileFollower(log, ZoneId.of("UTC"))) {
            f.start(0);
            Files.writeString(log, "old 2\n", java.nio.file.StandardOpenOption.APPEND);
            Files.move(log, dir.resolve("rolld.log.1"));
            Files.writeString(log, "new 1\n");

            assertEquals(List.of("old 2", "new 1"), texts(f.poll()));
        }
    }

    @Test
    void poll_fileCreatedAfterStart_isReadFromItsStart() throws IOException {
        Path log = dir.resolve("later.log");
        try (FileFollower f = new FileFollower(log, ZoneId.of("UTC"))) {
            assertEquals(List.of(), f.start(5));
            Files.writeString(log, "first\n");

            assertEquals(List.of("first"), texts(f.poll()));
        }
    }
}
