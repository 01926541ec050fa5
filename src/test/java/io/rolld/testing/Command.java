package io.rolld.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One run of a short command (dpkg, tar, a rolld client), stdout and stderr together, logged like
 * rolld's output ({@link Rolld#launch}); one that outlives its deadline is killed with its
 * descendants, by pid, and fails the test.
 */
public record Command(int exitCode, String output) {
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    public static Command run(String... command) {
        return run(List.of(command), Map.of());
    }

    public static Command run(List<String> command, Map<String, String> env) {
        try (Rolld p = Rolld.launch(command, Project.root(), Path.of(command.getFirst()).getFileName().toString(), env)) {
            int code = p.awaitExit(DEADLINE);
            return new Command(code, String.join("\n", p.lines()));
        }
    }
}
