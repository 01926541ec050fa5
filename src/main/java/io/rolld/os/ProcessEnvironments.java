package io.rolld.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment each process was started with ({@code /proc/PID/environ}), found by one of its
 * variables. Only processes rolld may read are seen: its own user's, or every one as root. Takes
 * the {@code /proc} root as a {@link Path}, so tests feed fixture files.
 */
public final class ProcessEnvironments {
    private static final ProcessEnvironments SYSTEM = new ProcessEnvironments(Path.of("/proc"));
    /** ppid is field 4; counted from field 3, the first after the parenthesised command name. */
    private static final int PPID_AFTER_COMM = 4 - 3;

    /** One process: its parent, and the variables it was started with. */
    public record Found(long pid, long ppid, Map<String, String> env) {
    }

    private final Path proc;

    public ProcessEnvironments(Path proc) {
        this.proc = proc;
    }

    public static ProcessEnvironments system() {
        return SYSTEM;
    }

    /** Every readable process whose environment has {@code name} set to {@code value}. */
    public List<Found> having(String name, String value) {
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path dir : pids) {
                read(dir).filter(f -> value.equals(f.env().get(name))).ifPresent(found::add);
            }
        } catch (IOException e) {
            return found; // no /proc: nothing to find
        }
        return found;
    }

    /** Empty when the process is gone, is not ours to read, or is a kernel thread (no environment). */
    private static Optional<Found> read(Path dir) {
        try {
            long pid = Long.parseLong(dir.getFileName().toString());
            String stat = Files.readString(dir.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
            byte[] environ = Files.readAllBytes(dir.resolve("environ"));
            return Optional.of(new Found(pid, Long.parseLong(fields[PPID_AFTER_COMM]), parse(environ)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** NUL-separated {@code NAME=value} entries. */
    private static Map<String, String> parse(byte[] environ) {
        Map<String, String> env = new HashMap<>();
        for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }
}
