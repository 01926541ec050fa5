package io.rolld.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Parses a group's {@code respawn}, {@code memory}, {@code auto_restart}, {@code envdir}, {@code on_event},
 * {@code liveness} and {@code watchdog} keys.
 */
final class SupervisionParser {
    static final List<String> KEYS = List.of("respawn", "memory", "auto_restart", "envdir", "on_event", "liveness", "watchdog");
    private static final List<String> RESPAWN_KEYS = List.of("backoff", "max_backoff", "reset_after");
    private static final List<String> MEMORY_KEYS = List.of("limit", "min_limit", "metric", "check_interval", "cooldown", "per", "signal");
    private static final List<String> AUTO_RESTART_KEYS = List.of("every", "jitter");
    private static final List<String> ON_EVENT_KEYS = List.of("command", "events", "timeout");

    private final Path configDir;

    SupervisionParser(Path configDir) {
        this.configDir = configDir;
    }

    /**
     * {@code held}: the group's held-socket mode, if it is in that mode; {@code stopSignal} and {@code stopTimeout},
     * the group's, are how a child over its memory limit is stopped unless told otherwise.
     */
    Supervision parse(YamlMap group, String what, Optional<HeldSockets> held, PosixSignal stopSignal, Duration stopTimeout)
            throws ConfigException {
        return new Supervision(
                group.get("respawn", n -> respawn(n, "'respawn' in " + what), Supervision.Respawn.DEFAULTS),
                group.get("memory", n -> Optional.of(memory(n, "'memory' in " + what, stopSignal, stopTimeout)), Optional.empty()),
                group.get("auto_restart", n -> Optional.of(autoRestart(n, "'auto_restart' in " + what)), Optional.empty()),
                group.get("envdir", n -> Optional.of(envdir(n, "'envdir' in " + what)), Optional.empty()),
                group.get("on_event", n -> Optional.of(onEvent(n, "'on_event' in " + what)), Optional.empty()),
                group.get("liveness", n -> Optional.of(LivenessParser.parse(n, "'liveness' in " + what)), Optional.empty()),
                group.get("watchdog", n -> Optional.of(watchdog(n, "'watchdog' in " + what, held)), Optional.empty()));
    }

    /** systemd's WatchdogSec= for workers: only a worker that talks to its notify socket can send WATCHDOG=1. */
    private static Duration watchdog(YamlNode node, String what, Optional<HeldSockets> held) throws ConfigException {
        if (held.isEmpty() || !(held.get().ready() instanceof HeldSockets.Ready.Notify)) {
            throw node.error(what + " needs 'ready: notify' (hint: the worker sends WATCHDOG=1 to $NOTIFY_SOCKET at least every"
                    + " interval, as under systemd's WatchdogSec=; 'ready: notify' is for held-socket groups, with 'listen:')");
        }
        return node.duration(what);
    }

    private static Supervision.Respawn respawn(YamlNode node, String what) throws ConfigException {
        YamlMap map = node.map(what).allowOnly(RESPAWN_KEYS);
        Supervision.Respawn d = Supervision.Respawn.DEFAULTS;
        Duration backoff = map.get("backoff", n -> n.duration("'backoff' in " + what), d.backoff());
        Duration max = map.get("max_backoff", n -> n.duration("'max_backoff' in " + what), d.maxBackoff());
        if (max.compareTo(backoff) < 0) {
            throw map.get("max_backoff").orElse(map.get("backoff").orElseThrow()).error("'max_backoff' (" + max.toMillis()
                    + "ms) is shorter than 'backoff' (" + backoff.toMillis() + "ms) in " + what);
        }
        return new Supervision.Respawn(backoff, max, map.get("reset_after", n -> n.duration("'reset_after' in " + what), d.resetAfter()));
    }

    private static Supervision.Memory memory(YamlNode node, String what, PosixSignal stopSignal, Duration stopTimeout)
            throws ConfigException {
        YamlMap map = node.map(what).allowOnly(MEMORY_KEYS);
        YamlNode limitNode = map.require("limit", node);
        long limit = limitNode.size("'limit' in " + what);
        long min = limit;
        Optional<YamlNode> minNode = map.get("min_limit");
        if (minNode.isPresent()) {
            min = minNode.get().size("'min_limit' in " + what);
            if (min > limit) {
                throw minNode.get().error("'min_limit' (" + minNode.get().text(what) + ") is above 'limit' ("
                        + limitNode.text(what) + ") in " + what + " (hint: each worker's limit is drawn between the two)");
            }
        }
        Supervision.Per per = map.get("per", n -> per(n, "'per' in " + what, stopSignal, stopTimeout), new Supervision.Per.Worker());
        Optional<YamlNode> signalNode = map.get("signal");
        if (signalNode.isPresent()) {
            if (!(per instanceof Supervision.Per.Child child)) {
                throw signalNode.get().error("'signal' in " + what + " applies only with 'per: child' (hint: per: worker rolls the"
                        + " group, stopping each worker with stop_signal; per: child sends 'signal' to the one child over its limit)");
            }
            per = new Supervision.Per.Child(GroupParser.signal(signalNode.get(), "'signal' in " + what), child.killAfter());
        }
        // Signalling one child costs no rollout: by default each child over its limit is signalled as it crosses, as stalin does.
        Duration cooldown = per instanceof Supervision.Per.Child ? Duration.ZERO : Supervision.Memory.DEFAULT_COOLDOWN;
        return new Supervision.Memory(limit, min,
                map.get("metric", n -> metric(n, "'metric' in " + what), Supervision.Metric.RSS),
                map.get("check_interval", n -> n.duration("'check_interval' in " + what), Supervision.Memory.DEFAULT_CHECK_INTERVAL),
                map.get("cooldown", n -> n.duration("'cooldown' in " + what), cooldown),
                per);
    }

    /** {@code worker} or {@code child}; a child is stopped, unless {@code signal} says otherwise, as the group's workers are. */
    private static Supervision.Per per(YamlNode node, String what, PosixSignal stopSignal, Duration stopTimeout) throws ConfigException {
        String given = node.text(what);
        return switch (given) {
            case "worker" -> new Supervision.Per.Worker();
            case "child" -> new Supervision.Per.Child(stopSignal, stopTimeout);
            default -> throw node.error("unknown value '" + given + "' for " + what + " (hint: worker, the default, for each worker's"
                    + " whole process tree; child for each child a preforking server's master forks: unicorn, puma in cluster mode,"
                    + " gunicorn)");
        };
    }

    private static Supervision.Metric metric(YamlNode node, String what) throws ConfigException {
        String given = node.text(what);
        return Arrays.stream(Supervision.Metric.values()).filter(m -> m.label().equals(given)).findFirst()
                .orElseThrow(() -> node.error("unknown metric '" + given + "' for " + what
                        + " (hint: one of rss, pss, uss; pss or uss for workers forked from one parent)"));
    }

    private static Supervision.AutoRestart autoRestart(YamlNode node, String what) throws ConfigException {
        YamlMap map = node.map(what).allowOnly(AUTO_RESTART_KEYS);
        Duration every = map.require("every", node).duration("'every' in " + what);
        return new Supervision.AutoRestart(every, map.get("jitter", n -> n.duration("'jitter' in " + what), every.dividedBy(10)));
    }

    private Path envdir(YamlNode node, String what) throws ConfigException {
        Path dir = node.path(what, configDir);
        if (!Files.isDirectory(dir)) {
            throw node.error("envdir '" + node.text(what) + "' for " + what + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + HookParser.HINT_PATHS);
        }
        return dir;
    }

    private static Supervision.OnEvent onEvent(YamlNode node, String what) throws ConfigException {
        YamlMap map = node.map(what).allowOnly(ON_EVENT_KEYS);
        YamlNode commandNode = map.require("command", node);
        String command = commandNode.text("'command' in " + what);
        if (command.isBlank()) {
            throw commandNode.error("'command' in " + what + " is empty (hint: a shell command, e.g. './alert.sh')");
        }
        return new Supervision.OnEvent(command,
                map.get("events", n -> events(n, "'events' in " + what), EnumSet.allOf(Supervision.EventKind.class)),
                map.get("timeout", n -> n.duration("'timeout' in " + what), Supervision.OnEvent.DEFAULT_TIMEOUT));
    }

    private static Set<Supervision.EventKind> events(YamlNode node, String what) throws ConfigException {
        String known = Arrays.stream(Supervision.EventKind.values()).map(Supervision.EventKind::label).collect(Collectors.joining(", "));
        Set<Supervision.EventKind> events = EnumSet.noneOf(Supervision.EventKind.class);
        for (YamlNode item : node.list(what)) {
            String given = item.text(what);
            events.add(Arrays.stream(Supervision.EventKind.values()).filter(k -> k.label().equals(given)).findFirst()
                    .orElseThrow(() -> item.error("unknown event '" + given + "' in " + what + " (hint: one of " + known + ")")));
        }
        if (events.isEmpty()) {
            throw node.error(what + " is empty (hint: leave it out to be told about every event: " + known + ")");
        }
        return events;
    }
}
