package io.rolld.cli;

import io.rolld.daemon.Daemon;
import io.rolld.daemon.ExitCodes;
import io.rolld.daemon.BuildVersion;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code rolld [FILE]}: the original usage, running the daemon in the foreground. */
@Command(name = "rolld", mixinStandardHelpOptions = true, versionProvider = RolldCommand.Version.class,
        description = {
                "Keeps groups of server processes running and restarts them with zero downtime.",
                "",
                "rolld FILE runs the daemon in the foreground (same as rolld run FILE). It listens on a",
                "Unix socket (mode 0600, default .rolld/rolld.sock beside FILE) for status, restart and stop.",
                "Signals: HUP = re-read FILE and roll every group; TERM/INT = stop every worker and exit;",
                "USR1 = reopen rolld's --log-file; USR2 = re-execute the build on disk in place (rolld reexec)."},
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, RestartCommand.class, StopCommand.class, ReexecCommand.class,
                PromoteCommand.class, AbortCommand.class, LogsCommand.class, HistoryCommand.class, RollbackCommand.class},
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeListHeading = "%nExit codes of the daemon (each subcommand's --help lists its own):%n",
        exitCodeList = {
                "0:stopped cleanly (TERM/INT, rolld stop), or check passed",
                "1:the first start of a group failed; everything started was stopped",
                "2:the configuration is invalid; nothing was started",
                "6:another rolld already serves the same control socket; nothing was started",
                "64:wrong command-line usage"})
final class RolldCommand implements Callable<Integer> {
    /** {@code rolld --version}: the jar's own version and commit, so a re-exec can tell which build is on disk. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildVersion.versionLine()};
        }
    }

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "rolld.yml to run")
    Path file;

    @Mixin
    DaemonOptions daemon;

    @Override
    public Integer call() {
        if (file == null) {
            System.err.println("rolld: no configuration file given. Usage: rolld FILE (see rolld --help)");
            return ExitCodes.USAGE;
        }
        return Daemon.run(file, daemon.logOptions());
    }
}
