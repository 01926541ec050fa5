package io.rolld.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Like sshd's StrictModes: rolld run as root runs every command rolld.yml names, as root, so a
 * rolld.yml that users other than its owner may write is refused.
 */
final class StrictModes {
    private StrictModes() {
    }

    static void check(Path file, boolean asRoot) throws ConfigException {
        if (!asRoot) {
            return;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            return; // reported by the reader, with the usual message
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigException(file.toString(), 0, 0, "cannot read its permissions: " + e.getMessage(), e);
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new ConfigException(file.toString(), 0, 0, "writable by other users (" + PosixFilePermissions.toString(mode)
                    + "); rolld runs as root and runs the commands this file names, so it refuses a file others can change"
                    + " (hint: chmod go-w " + file + ")");
        }
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
