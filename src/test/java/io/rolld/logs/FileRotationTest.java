package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.LogRotation;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRotationTest {
    @TempDir
    Path dir;

    @Test
    void copyAndTruncate_whileAWriterAppends_keepsTheOldLinesAndTheNextWriteStartsTheFile() throws IOException {
        Path log = dir.resolve("app.log");
        try (FileOutputStream worker = new FileOutputStream(log.toFile(), true)) { // O_APPEND, as a worker's stdout
            worker.write("one\ntwo\n".getBytes(StandardCharsets.UTF_8));

            FileRotation.Result r = FileRotation.copyAndTruncate(log, new LogRotation(1, 3, false));
            worker.write("three\n".getBytes(StandardCharsets.UTF_8));

            assertEquals(0, r.lostBytes());
            assertEquals("one\ntwo\n", Files.readString(dir.resolve("app.log.1")));
            assertEquals("three\n", Files.readString(log)); // at offset 0: no hole before it
        }
    }

    @Test
    void copyAndTruncate_fiveTimesWithKeep3_keepsTheThreeNewestCopiesInOrder() throws IOException {
        Path log = dir.resolve("app.log");
        for (int i = 1; i <= 5; i++) {
            Files.writeString(log, "rotation " + i + "\n");
            FileRotation.copyAndTruncate(log, new LogRotation(1, 3, false));
        }

        assertEquals(List.of("app.log", "app.log.1", "app.log.2", "app.log.3"), names());
        assertEquals("rotation 5\n", Files.readString(dir.resolve("app.log.1")));
        assertEquals("rotation 3\n", Files.readString(dir.resolve("app.log.3")));
        assertEquals(0, Files.size(log));
    }

    @Test
    void copyAndTruncate_compressed_writesGzipCopiesAndShiftsThem() throws IOException {
        Path log = dir.resolve("app.log");
        Files.writeString(log, "first\n");
        Path first = FileRotation.gzip(FileRotation.copyAndTruncate(log, new LogRotation(1, 2, true)).copy().orElseThrow());
        Files.writeString(log, "second\n");
        FileRotation.gzip(FileRotation.copyAndTruncate(log, new LogRotation(1, 2, true)).copy().orElseThrow());

        assertEquals(dir.resolve("app.log.1.gz"), first);
        assertEquals(List.of("app.log", "app.log.1.gz", "app.log.2.gz"), names());
        assertEquals("second\n", gunzip(dir.resolve("app.log.1.gz")));
        assertEquals("first\n", gunzip(dir.resolve("app.log.2.gz")));
    }

    @Test
    void copyAndTruncate_keep0_truncatesWithoutACopy() throws IOException {
        Path log = dir.resolve("app.log");
        Files.writeString(log, "gone\n");
        Files.writeString(dir.resolve("app.log.1"), "older copy\n");

        FileRotation.Result r = FileRotation.copyAndTruncate(log, new LogRotation(1, 0, false));

        assertTrue(r.copy().isEmpty());
        assertEquals(List.of("app.log"), names());
        assertEquals(0, Files.size(log));
    }

    @Test
    void copyAndTruncate_afterKeepWasLowered_removesTheSurplusCopies() throws IOException {
        Path log = dir.resolve("app.log");
        for (String name : List.of("app.log.1", "app.log.2.gz", "app.log.3", "app.log.4.gz", "app.log.10")) {
            Files.writeString(dir.resolve(name), name);
        }
        Files.writeString(log, "now\n");

        FileRotation.copyAndTruncate(log, new LogRotation(1, 2, false));

        assertEquals(List.of("app.log", "app.log.1", "app.log.2"), names());
        assertEquals("app.log.1", Files.readString(dir.resolve("app.log.2")));
    }

    @Test
    void renameAndReopen_movesTheFileAsideThenLetsTheWriterCreateItAgain() throws IOException {
        Path log = dir.resolve("rolld.log");
        Files.writeString(log, "event=starting\n");

        FileRotation.Result r = FileRotation.renameAndReopen(log, new LogRotation(1, 3, false), () -> {
            assertFalse(Files.exists(log));
            try {
                Files.writeString(log, "event=log_rotated\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        assertEquals(0, r.lostBytes());
        assertEquals("event=starting\n", Files.readString(dir.resolve("rolld.log.1")));
        assertEquals("event=log_rotated\n", Files.readString(log));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
