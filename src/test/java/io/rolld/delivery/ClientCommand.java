package io.rolld.delivery;

import io.rolld.testing.Deployment;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code scripts/rolld ARGS -c rolld.yml} (of a deployment), run to its end: its exit code and output. */
final class ClientCommand {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private ClientCommand() {
    }

    static Deployment.Restart run(Deployment d, String... args) {
        return run(d.config(), args);
    }

    static Deployment.Restart run(java.nio.file.Path config, String... args) {
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
