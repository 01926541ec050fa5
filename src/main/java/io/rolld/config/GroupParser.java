package io.rolld.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Turns one top-level entry of rolld.yml into a {@link GroupConfig}; one method per key. */
final class GroupParser {
    static final List<String> KEYS = Stream.of(Stream.of("cmd", "directory", "stdout", "stderr", "env",
            "workset", "smoke_test", "after_start", "stop_signal", "stop_timeout", "ready_timeout", "drain_timeout", "hook_timeout",
            "start_nice", "user", "group", FrontParser.KEY, LogRotationParser.KEY),
            HeldSocketsParser.KEYS.stream(), SupervisionParser.KEYS.stream(), DeliveryParser.KEYS.stream()).flatMap(k -> k).toList();
    /** Names other supervisors use for our keys, so their users get a useful hint. */
    private static final Map<String, String> ALIASES = Map.of(
            "command", "cmd", "cwd", "directory", "environment", "env", "numprocs", "workset",
            "stdout_logfile", "stdout", "stderr_logfile", "stderr", "stopsignal", "stop_signal", "stopwaitsecs", "stop_timeout");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*\\$?|[0-9]+");
    /** The signals a server is commonly told to stop with; others are more likely a mistake than a wish. */
    private final Path configDir;
    private final PortRegistry ports;
    private final Optional<LogRotation> logsDefault;

    GroupParser(Path configDir, PortRegistry ports, Optional<LogRotation> logsDefault) {
        this.configDir = configDir;
        this.ports = ports;
        this.logsDefault = logsDefault;
    }

    GroupConfig parse(YamlMap.Entry entry) throws ConfigException {
        String name = name(entry);
        String what = "group '" + name + "'";
        YamlMap map = entry.value().map(what).allowOnly(KEYS, ALIASES);
        Optional<HeldSockets> held = new HeldSocketsParser(configDir, ports).parse(map, what, name);
        List<Hook> afterStart = map.get("after_start", n -> new HookParser(configDir).parse(n, what), List.of());
        FrontConfig front = new FrontParser(configDir).parse(map, what, held);
        PosixSignal stopSignal = map.get("stop_signal", n -> signal(n, "'stop_signal' in " + what), GroupConfig.DEFAULT_STOP_SIGNAL);
        Duration stopTimeout = map.get("stop_timeout", n -> n.duration("'stop_timeout' in " + what), GroupConfig.DEFAULT_STOP_TIMEOUT);
        return new GroupConfig(
                name,
                cmd(map.require("cmd", entry.key()), "'cmd' in " + what),
                map.get("directory", n -> directory(n, what), configDir),
                map.get("stdout", n -> Optional.of(logFile(n, "'stdout' in " + what)), Optional.empty()),
                map.get("stderr", n -> Optional.of(logFile(n, "'stderr' in " + what)), Optional.empty()),
                map.get("env", n -> env(n, "'env' in " + what), Map.of()),
                held.isPresent() ? held.get() : new Worksets(worksets(map.require("workset", entry.key()), what)),
                map.get("smoke_test", n -> SmokeTestParser.parse(n, what), List.of()),
                afterStart,
                stopSignal,
                stopTimeout,
                map.get("ready_timeout", n -> n.duration("'ready_timeout' in " + what), GroupConfig.DEFAULT_READY_TIMEOUT),
                map.get("drain_timeout", n -> n.duration("'drain_timeout' in " + what), GroupConfig.DEFAULT_DRAIN_TIMEOUT),
                map.get("hook_timeout", n -> n.duration("'hook_timeout' in " + what), GroupConfig.DEFAULT_HOOK_TIMEOUT),
                map.get("start_nice", n -> startNice(n, "'start_nice' in " + what), GroupConfig.DEFAULT_START_NICE),
                new SupervisionParser(configDir).parse(map, what, held, stopSignal, stopTimeout),
                runAs(map, what),
                DeliveryParser.parse(map, what, held, afterStart, front),
                front,
                LogRotationParser.parse(map, what, logsDefault));
    }

    private static int startNice(YamlNode node, String what) throws ConfigException {
        long nice = node.integer("a whole number", what);
        if (nice < 0 || nice > GroupConfig.MAX_START_NICE) {
            throw node.error(what + " is " + nice + ", expected 0 to " + GroupConfig.MAX_START_NICE
                    + " (hint: how much lower a new generation's CPU priority is until it is ready; 0 for none)");
        }
        return (int) nice;
    }

    /** {@code user:} needs {@code group:} too: setpriv does not pick the user's primary group by itself. */
    private static Optional<RunAs> runAs(YamlMap map, String what) throws ConfigException {
        Optional<String> group = map.get("group", n -> Optional.of(account(n, "'group' in " + what)), Optional.empty());
        Optional<String> user = map.get("user", n -> {
            if (group.isEmpty()) {
                throw n.error("'user' in " + what + " needs 'group' too (hint: the user's primary group, e.g. group: www-data)");
            }
            return Optional.of(account(n, "'user' in " + what));
        }, Optional.empty());
        return user.isEmpty() && group.isEmpty() ? Optional.empty() : Optional.of(new RunAs(user, group));
    }

    private static String account(YamlNode node, String what) throws ConfigException {
        String name = node.text(what);
        if (!ACCOUNT.matcher(name).matches()) {
            throw node.error("invalid account name '" + name + "' for " + what + " (hint: a user or group name, or a number)");
        }
        return name;
    }

    private static String name(YamlMap.Entry entry) throws ConfigException {
        if (!NAME.matcher(entry.name()).matches()) {
            throw entry.key().error("invalid group name '" + entry.name()
                    + "' (hint: a name starts with a letter or digit and contains only letters, digits, '_', '.' and '-')");
        }
        return entry.name();
    }

    /** Checked here so a quoting mistake is reported at load time, not as a failed spawn mid-rollout. */
    private static String cmd(YamlNode node, String what) throws ConfigException {
        String cmd = node.text(what);
        List<String> argv;
        try {
            argv = ShellWords.split(cmd);
        } catch (IllegalArgumentException e) {
            throw node.error(what + " cannot be split into words: " + e.getMessage());
        }
        if (argv.isEmpty()) {
            throw node.error(what + " is empty (hint: the command that starts one worker, e.g. 'python3 app.py {numproc}')");
        }
        Placeholders.check(node, cmd, what);
        return cmd;
    }

    private Path directory(YamlNode node, String group) throws ConfigException {
        Path dir = node.path("'directory' of " + group, configDir);
        String name = "directory '" + node.text(group) + "' of " + group;
        if (!Files.exists(dir)) {
            throw node.error(name + " does not exist" + HookParser.HINT_PATHS);
        }
        if (!Files.isDirectory(dir)) {
            throw node.error(name + " is not a directory");
        }
        return dir;
    }

    /** Kept as written: it may hold {@code {numproc}} and resolves against the group's directory at spawn time. */
    private static String logFile(YamlNode node, String what) throws ConfigException {
        String file = node.text(what);
        if (file.isBlank()) {
            throw node.mismatch("a file name", what);
        }
        Placeholders.check(node, file, what);
        return file;
    }

    private static Map<String, String> env(YamlNode node, String what) throws ConfigException {
        Map<String, String> env = new LinkedHashMap<>();
        for (YamlMap.Entry e : node.map(what).entries()) {
            if (e.name().isEmpty() || e.name().contains("=")) {
                throw e.key().error("invalid variable name '" + e.name() + "' in " + what);
            }
            if (e.value().isNull()) {
                throw e.value().error("expected a value for variable '" + e.name() + "' in " + what
                        + ", found an empty value (hint: write " + e.name() + ": '' for an empty string)");
            }
            env.put(e.name(), e.value().text("variable '" + e.name() + "' in " + what));
        }
        return env;
    }

    private List<Workset> worksets(YamlNode node, String group) throws ConfigException {
        List<YamlNode> items = node.list("'workset' in " + group);
        if (items.size() < 2) {
            throw node.error(group + " has " + items.size() + " workset" + (items.size() == 1 ? "" : "s")
                    + ", at least 2 are needed (hint: a rollout starts the next workset while the current one still serves)");
        }
        List<Workset> worksets = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String what = "workset " + (i + 1) + " of " + group;
            YamlMap item = items.get(i).map(what).allowOnly(List.of("numprocs"));
            worksets.add(new Workset(portList(item.require("numprocs", items.get(i)), what)));
        }
        return worksets;
    }

    private List<Integer> portList(YamlNode node, String what) throws ConfigException {
        List<YamlNode> items = node.list("'numprocs' in " + what);
        if (items.isEmpty()) {
            throw node.error("'numprocs' in " + what + " is empty (hint: list the ports, e.g. [8001, 8002])");
        }
        List<Integer> list = new ArrayList<>();
        for (YamlNode item : items) {
            list.add(port(item, what));
        }
        return list;
    }

    private int port(YamlNode node, String what) throws ConfigException {
        String expected = "a port number (" + PortRegistry.MIN + ".." + PortRegistry.MAX + ")";
        long port = node.integer(expected, "'numprocs' in " + what);
        if (port < PortRegistry.MIN || port > PortRegistry.MAX) {
            throw node.error("port " + port + " in " + what + " is out of range " + PortRegistry.MIN + ".." + PortRegistry.MAX);
        }
        ports.claim((int) port, what, node);
        return (int) port;
    }

    /** Accepts {@code TERM}, {@code SIGTERM} or {@code term}; stores {@code TERM}. */
    static PosixSignal signal(YamlNode node, String what) throws ConfigException {
        String given = node.text(what);
        try {
            return PosixSignal.named(given.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw node.error("unknown signal '" + given + "' for " + what + " (hint: one of "
                    + Arrays.stream(PosixSignal.values()).map(PosixSignal::name).collect(Collectors.joining(", ")) + ")");
        }
    }
}
