package io.rolld.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.config.ShellWords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseTest {
    @TempDir
    Path dir;

    @Test
    void resolve_throughACurrentSymlink_recordsTheReleaseAndItsProgram() throws Exception {
        Path release = Files.createDirectories(dir.resolve("releases/2026-12-01/bin"));
        Files.writeString(release.resolve("server"), "#!/bin/sh\n");
        Files.createSymbolicLink(dir.resolve("current"), Path.of("releases/2026-12-01"));

        Release r = Release.resolve(dir.resolve("current"), "bin/server --port {numproc} 'a b'", Map.of("K", "v"));

        Path real = dir.resolve("releases/2026-12-01").toRealPath();
        assertEquals(real, r.directory());
        assertEquals(List.of(real.resolve("bin/server").toString(), "--port", "{numproc}", "a b"), ShellWords.split(r.cmd()));
        assertEquals(Map.of("K", "v"), r.env());
    }

    @Test
    void resolve_whenTheProgramIsNoPathOrMissing_keepsTheCommandAsWritten() throws Exception {
        assertEquals("python3 app.py {numproc}", Release.resolve(dir, "python3 app.py {numproc}", Map.of()).cmd());
        assertEquals("./missing --x", Release.resolve(dir, "./missing --x", Map.of()).cmd());
    }

    @Test
    void quote_readsBackAsTheSameWord() {
        for (String word : List.of("plain/path-1.2", "a b", "it's", "", "$HOME", "{numproc}")) {
            assertEquals(List.of(word), ShellWords.split(ShellWords.quote(word)), word);
        }
    }
}
