package io.rolld.cli;

import io.rolld.daemon.Daemon;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the daemon in the foreground: start every group, then roll on HUP or rolld restart, "
                + "stop on TERM/INT or rolld stop.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "rolld.yml")
    Path file;

    @Mixin
    DaemonOptions daemon;

    @Override
    public Integer call() {
        return Daemon.run(file, daemon.logOptions());
    }
}
