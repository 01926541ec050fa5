package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes a rolld.yml of one held-socket group {@code app} of example/app.py workers sharing
 * 127.0.0.1:{@code port}, in a fresh scratch directory; worker logs go to its {@code logs/}.
 * {@code extra} holds further keys of the group, indented, one per line ("  workers: 2\n").
 */
public final class HeldGroupYaml {
    private HeldGroupYaml() {
    }

    public static Path write(String name, int port, Duration stopTimeout, String extra) {
        Path dir = Project.scratch("held").resolve(name + "-" + System.nanoTime());
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("rolld.yml"), Deployment.GROUP + ":\n"
                    + "  cmd: 'python3 app.py'\n"
                    + "  directory: '" + Project.example() + "'\n"
                    + "  stdout: '" + dir.resolve("logs") + "/app-{numproc}.log'\n"
                    + "  stderr: '" + dir.resolve("logs") + "/app-{numproc}.err'\n"
                    + "  listen: 127.0.0.1:" + port + "\n"
                    + "  stop_timeout: " + stopTimeout.toSeconds() + "s\n"
                    + extra);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
