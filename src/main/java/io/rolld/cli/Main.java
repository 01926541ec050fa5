package io.rolld.cli;

import io.rolld.daemon.ExitCodes;
import picocli.CommandLine;

/** Entry point of the {@code rolld} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        var client = ClientArgs.parse(args);
        System.exit(client.isPresent() ? client.get().call() : commandLine().execute(args));
    }

    /** Every other command line, and any the fast path of {@link ClientArgs} leaves alone; also what the packaged docs describe. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RolldCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(DurationOption.class, DurationOption::parse);
        // Every subcommand answers bad usage with the documented 64, not picocli's default 2
        // (which means "invalid configuration" for rolld).
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE));
        return cli;
    }
}
