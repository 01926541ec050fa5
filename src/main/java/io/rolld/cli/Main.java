package io.rolld.cli;

import io.rolld.daemon.ExitCodes;
import picocli.CommandLine;

/** Entry point of the {@code rolld} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new RolldCommand())
                .setExitCodeOnInvalidInput(ExitCodes.USAGE);
        System.exit(cli.execute(args));
    }
}
