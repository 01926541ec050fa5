package io.rolld.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and its build live, as seen by a test (failsafe sets {@code rolld.root}). */
public final class Project {
    private Project() {
    }

    /** The repository root: system property {@code rolld.root}, else the working directory. */
    public static Path root() {
        return Path.of(System.getProperty("rolld.root", "")).toAbsolutePath().normalize();
    }

    public static Path example() {
        return root().resolve("example");
    }

    /** {@code target/it/NAME}, created if missing: scratch space and logs kept after a run. */
    public static Path scratch(String name) {
        try {
            return Files.createDirectories(root().resolve("target").resolve("it").resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A program from PATH, else from the usual system directories, else the bare name. */
    public static String program(String name, String... fallbacks) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        for (String candidate : fallbacks) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return name;
    }

    /** Removes {@code tree} and everything in it (a scratch directory a test made). */
    public static void delete(Path tree) {
        try (java.util.stream.Stream<Path> all = Files.walk(tree)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
