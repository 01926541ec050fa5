package io.rolld.delivery;

import io.rolld.testing.Deployment;
import io.rolld.testing.RolldClient;

/** {@code scripts/rolld ARGS -c rolld.yml} (of a deployment), run to its end: its exit code and output. */
final class ClientCommand {
    private ClientCommand() {
    }

    static Deployment.Restart run(Deployment d, String... args) {
        return run(d.config(), args);
    }

    static Deployment.Restart run(java.nio.file.Path config, String... args) {
        return RolldClient.run(config, args);
    }
}
