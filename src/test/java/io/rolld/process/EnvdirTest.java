package io.rolld.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvdirTest {
    @TempDir
    Path dir;

    @Test
    void overlay_takesTheFirstLine_withoutTrailingBlanks_andNulAsNewline() throws IOException {
        Files.writeString(dir.resolve("DATABASE_URL"), "postgres://db/app \t\nignored second line\n");
        Files.writeString(dir.resolve("MULTI"), "a\0b");

        Map<String, String> env = Envdir.overlay(Map.of("KEEP", "1"), dir);

        assertEquals(Map.of("KEEP", "1", "DATABASE_URL", "postgres://db/app", "MULTI", "a\nb"), env);
    }

    @Test
    void overlay_anEmptyFile_removesTheVariable_andOverridesTheConfiguredValue() throws IOException {
        Files.writeString(dir.resolve("GONE"), "");
        Files.writeString(dir.resolve("MODE"), "from-envdir\n");

        Map<String, String> env = Envdir.overlay(Map.of("GONE", "configured", "MODE", "configured"), dir);

        assertEquals(Map.of("MODE", "from-envdir"), env);
    }

    @Test
    void overlay_skipsHiddenFilesAndDirectories() throws IOException {
        Files.writeString(dir.resolve(".editor-swap"), "x");
        Files.createDirectory(dir.resolve("SUBDIR"));

        assertEquals(Map.of(), Envdir.overlay(Map.of(), dir));
    }

    @Test
    void overlay_whenTheDirectoryIsGone_failsNamingIt() {
        IOException e = assertThrows(IOException.class, () -> Envdir.overlay(Map.of(), dir.resolve("missing")));

        assertEquals(true, e.getMessage().contains("missing"), e.getMessage());
    }
}
