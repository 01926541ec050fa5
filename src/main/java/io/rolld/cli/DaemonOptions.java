package io.rolld.cli;

import io.rolld.config.Settings;
import io.rolld.daemon.Daemon;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How the daemon logs: {@code rolld FILE} and {@code rolld run FILE} share these options. */
final class DaemonOptions {
    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text (logfmt) or json, one line per event (default: 'rolld: log_format' in FILE, else text)")
    Settings.LogFormat format;

    @Option(names = "--log-file", paramLabel = "PATH",
            description = "append rolld's own log to PATH instead of stdout; SIGUSR1 reopens it (logrotate's postrotate)")
    Path file;

    Daemon.LogOptions logOptions() {
        return new Daemon.LogOptions(Optional.ofNullable(format), Optional.ofNullable(file));
    }
}
