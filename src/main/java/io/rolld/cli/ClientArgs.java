package io.rolld.cli;

import io.rolld.config.Durations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The fast path of the client commands: {@code status}, {@code restart} and {@code stop} with
 * their usual arguments are read here, without building picocli's model of every command (which
 * reflects over all of them and costs more than the rest of a client run). Anything else (help,
 * a typo, an option this does not know, a bad value) is left to picocli, so usage and errors are
 * picocli's, unchanged. The option names and defaults are the commands' own constants.
 */
final class ClientArgs {
    private ClientArgs() {
    }

    /** The command ready to run, or empty: let picocli read {@code args}. */
    static Optional<Callable<Integer>> parse(String[] args) {
        if (args.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(switch (args[0]) {
                case "status" -> status(args);
                case "restart" -> restart(args);
                case "stop" -> stop(args);
                default -> null;
            });
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a bad duration or a missing value: picocli says what is wrong
        }
    }

    private static StatusCommand status(String[] args) {
        StatusCommand c = new StatusCommand();
        c.target = new ControlTarget();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--json")) {
                c.json = true;
            } else if ((i = target(c.target, args, i)) < 0) {
                return null;
            }
        }
        return c;
    }

    private static RestartCommand restart(String[] args) {
        RestartCommand c = new RestartCommand();
        c.target = new ControlTarget();
        c.timeout = duration(RestartCommand.DEFAULT_TIMEOUT);
        List<String> groups = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                c.json = true;
            } else if (a.equals("--wait")) {
                c.wait = true;
            } else if (a.equals("--timeout")) {
                c.timeout = duration(value(args, ++i));
            } else if (!a.startsWith("-")) {
                groups.add(a);
            } else if ((i = target(c.target, args, i)) < 0) {
                return null;
            }
        }
        c.groups = List.copyOf(groups);
        return c;
    }

    private static StopCommand stop(String[] args) {
        StopCommand c = new StopCommand();
        c.target = new ControlTarget();
        c.timeout = duration(StopCommand.DEFAULT_TIMEOUT);
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--wait")) {
                c.wait = true;
            } else if (args[i].equals("--timeout")) {
                c.timeout = duration(value(args, ++i));
            } else if ((i = target(c.target, args, i)) < 0) {
                return null;
            }
        }
        return c;
    }

    /** {@code -c FILE}, {@code --config FILE}, {@code --socket PATH}: the index of the value read, or -1 for anything else. */
    private static int target(ControlTarget target, String[] args, int i) {
        switch (args[i]) {
            case "-c", "--config" -> target.config = Path.of(value(args, ++i));
            case "--socket" -> target.socket = Path.of(value(args, ++i));
            default -> {
                return -1;
            }
        }
        return i;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length || args[i].startsWith("-")) {
            throw new IllegalArgumentException("missing value");
        }
        return args[i];
    }

    private static DurationOption duration(String text) {
        return new DurationOption(text, Durations.parse(text));
    }
}
