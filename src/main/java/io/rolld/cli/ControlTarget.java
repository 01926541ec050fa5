package io.rolld.cli;

import io.rolld.config.ConfigException;
import io.rolld.config.ConfigLoader;
import io.rolld.control.Answer;
import io.rolld.daemon.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a client command finds the daemon: {@code --socket PATH}, or the settings of {@code -c rolld.yml}. */
final class ControlTarget {
    static final String DEFAULT_CONFIG = "rolld.yml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT_CONFIG,
            description = "rolld.yml of the daemon; its 'rolld: control_socket' (default .rolld/rolld.sock beside it) "
                    + "is the socket to use (default: ${DEFAULT-VALUE} in the current directory)")
    Path config = Path.of(DEFAULT_CONFIG);

    @Option(names = "--socket", paramLabel = "PATH", description = "the control socket itself; -c is then not read")
    Path socket;

    /** The answer to a failed lookup, already printed to stderr; carries the exit code. */
    static final class Failed extends Exception {
        final int exitCode;

        Failed(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    ControlClient connect() throws Failed {
        Path path = socketPath();
        try {
            return ControlClient.connect(path);
        } catch (ControlClient.NotRunning e) {
            throw fail(ExitCodes.NOT_RUNNING, "rolld: " + e.getMessage());
        }
    }

    /** The control socket's path: {@code --socket}, or the one the {@code -c} file names. */
    Path socketPath() throws Failed {
        Path path = socket;
        if (path == null) {
            if (!Files.exists(config)) {
                throw fail(ExitCodes.NOT_RUNNING, "rolld: cannot find the daemon: " + config.toAbsolutePath()
                        + " does not exist (give -c FILE or --socket PATH)");
            }
            try {
                path = ConfigLoader.controlSocketOf(config);
            } catch (ConfigException e) {
                throw fail(ExitCodes.CONFIG_INVALID, "rolld: cannot read the control socket's path: " + e.getMessage());
            }
        }
        return path;
    }

    private static Failed fail(int exitCode, String message) {
        System.err.println(message);
        return new Failed(exitCode, message);
    }

    /** Prints an {@code error} answer as {@code rolld: ERROR (code) message} and maps it to an exit code. */
    static int refused(Answer.Error error) {
        System.err.println("rolld: ERROR (" + error.code().wire() + ") " + error.message());
        return ExitCodes.of(error.code());
    }

    /** The daemon closed the connection or said something unexpected. */
    static int unexpected(String what) {
        System.err.println("rolld: " + what);
        return ExitCodes.REFUSED;
    }
}
