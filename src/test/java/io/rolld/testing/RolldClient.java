package io.rolld.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code scripts/rolld ARGS -c CONFIG} (a client command: status, promote, abort, ...), run to its end. */
public final class RolldClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private RolldClient() {
    }

    /** Its exit code and output (stdout and stderr). */
    public static Deployment.Restart run(Path config, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Project.root().resolve("scripts").resolve("rolld").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-c", config.toString()));
        try (Rolld client = Rolld.launch(command, Project.root(), args[0])) {
            int code = client.awaitExit(TIMEOUT);
            return new Deployment.Restart(code, String.join("\n", client.lines()));
        }
    }
}
