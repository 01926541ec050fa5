package io.rolld.releases;

import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A deploy directory the way Capistrano and friends lay it out: {@code releases/NAME/} each with an
 * {@code env/RELEASE} file (an envdir naming the release), and a {@code current} symlink.
 */
record Releases(Path root) {
    static Releases create(String name) {
        Path root = Project.scratch("releases").resolve(name + "-" + System.nanoTime());
        try {
            Files.createDirectories(root.resolve("releases"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Releases(root);
    }

    /** Unpacks release {@code name}; returns its real path. */
    Path add(String name) throws IOException {
        Path release = Files.createDirectories(root.resolve("releases").resolve(name).resolve("env")).getParent();
        Files.writeString(release.resolve("env").resolve("RELEASE"), name + "\n");
        return release.toRealPath();
    }

    /** Points {@code current} at release {@code name}, atomically (a new link renamed over the old one). */
    void activate(String name) throws IOException {
        Path next = root.resolve("current.next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, Path.of("releases", name));
        Files.move(next, current(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    Path current() {
        return root.resolve("current");
    }

    /** The group keys that make the group run in {@code current} and read its envdir. */
    String[] groupLines() {
        return new String[] {"directory: '" + current() + "'", "envdir: '" + current().resolve("env") + "'"};
    }

    /** The directory a worker runs in, from the kernel. */
    static Path cwdOf(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
    }

    /** {@code scripts/rolld ARGS...} run to its end: exit code and every line it printed. */
    record Cli(int exitCode, String output) {
        static Cli run(Path config, String... args) {
            List<String> command = new ArrayList<>(List.of(Project.root().resolve("scripts").resolve("rolld").toString()));
            command.addAll(List.of(args));
            command.addAll(List.of("-c", config.toString()));
            try (Rolld client = Rolld.launch(command, Project.root(), "cli-" + args[0])) {
                int code = client.awaitExit(Duration.ofSeconds(90));
                return new Cli(code, String.join("\n", client.lines()));
            }
        }
    }
}
