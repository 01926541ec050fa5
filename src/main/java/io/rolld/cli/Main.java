package io.rolld.cli;

import picocli.CommandLine;

/** Entry point of the {@code rolld} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new RolldCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
