package io.rolld.cli;

import io.rolld.config.Config;
import io.rolld.config.ConfigException;
import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import io.rolld.daemon.ExitCodes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Like {@code nginx -t}: validates everything the daemon would, starts nothing. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a configuration file without starting anything (exit 0 when valid, 2 when not).")
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "rolld.yml")
    Path file;

    @Override
    public Integer call() {
        try {
            Config config = ConfigLoader.load(file);
            System.out.println(file + ": ok (" + config.groups().size() + " group(s): "
                    + config.groups().stream().map(GroupConfig::name).collect(Collectors.joining(", ")) + ")");
            return ExitCodes.OK;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ExitCodes.CONFIG_INVALID;
        }
    }
}
