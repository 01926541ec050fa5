package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictModesTest {
    @TempDir
    Path dir;

    @Test
    void check_asRoot_refusesAFileOthersCanWrite() throws Exception {
        Path yml = Files.writeString(dir.resolve("rolld.yml"), "app: {}\n");
        Files.setPosixFilePermissions(yml, PosixFilePermissions.fromString("rw-rw-r--"));
        var e = assertThrows(ConfigException.class, () -> StrictModes.check(yml, true));
        assertEquals(yml + ": writable by other users (rw-rw-r--); rolld runs as root and runs the commands this file names,"
                + " so it refuses a file others can change (hint: chmod go-w " + yml + ")", e.getMessage());
    }

    @Test
    void check_acceptsAnOwnerOnlyFileAsRoot_andAnyFileWhenNotRoot() throws Exception {
        Path yml = Files.writeString(dir.resolve("rolld.yml"), "app: {}\n");
        Files.setPosixFilePermissions(yml, PosixFilePermissions.fromString("rw-r--r--"));
        assertDoesNotThrow(() -> StrictModes.check(yml, true));
        Files.setPosixFilePermissions(yml, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertDoesNotThrow(() -> StrictModes.check(yml, false));
    }
}
