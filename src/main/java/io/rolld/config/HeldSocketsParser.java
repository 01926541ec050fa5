package io.rolld.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a group's {@code listen}, {@code workers} and {@code ready} keys (held-socket mode). */
final class HeldSocketsParser {
    static final List<String> KEYS = List.of("listen", "workers", "ready");
    private static final List<String> LISTEN_KEYS = List.of("address", "name", "backlog", "reuse_port", "ipv6_only", "mode");
    private static final Pattern FD_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    private static final Pattern READY_ALIVE = Pattern.compile("alive(?:\\s+(\\S+))?");
    private static final String ADDRESS_HINT = " (hint: 8080, 127.0.0.1:8080, [::1]:8080 or unix:/path/app.sock)";

    private final Path configDir;
    private final PortRegistry ports;

    HeldSocketsParser(Path configDir, PortRegistry ports) {
        this.configDir = configDir;
        this.ports = ports;
    }

    /** Empty unless the group says {@code listen:}; {@code workers} or {@code ready} without it are refused. */
    Optional<HeldSockets> parse(YamlMap map, String group, String groupName) throws ConfigException {
        Optional<YamlNode> listen = map.get("listen");
        if (listen.isEmpty()) {
            for (String key : List.of("workers", "ready")) {
                if (map.get(key).isPresent()) {
                    throw map.get(key).get().error("'" + key + "' in " + group
                            + " only applies with 'listen' (hint: held-socket mode needs the sockets rolld holds, e.g. listen: 127.0.0.1:8080)");
                }
            }
            return Optional.empty();
        }
        for (String key : List.of("workset", "smoke_test")) {
            Optional<YamlNode> other = map.get(key);
            if (other.isPresent()) {
                throw listen.get().error("'listen' and '" + key + "' are mutually exclusive in " + group + " ('" + key + "' at "
                        + other.get().position() + "; hint: " + (key.equals("workset")
                        ? "a group either runs workers on ports of alternating worksets, or workers sharing the sockets rolld holds"
                        : "in held-socket mode every worker shares the socket, so say when a worker is ready with 'ready: alive 1s' or 'ready: notify'") + ")");
            }
        }
        List<HeldSocketConfig> sockets = listen(listen.get(), "'listen' in " + group, groupName);
        int workers = map.get("workers", n -> workers(n, "'workers' in " + group), 1);
        HeldSockets.Ready ready = map.get("ready", n -> ready(n, "'ready' in " + group),
                new HeldSockets.Ready.AliveFor(HeldSockets.Ready.AliveFor.DEFAULT_INTERVAL));
        return Optional.of(new HeldSockets(sockets, workers, ready));
    }

    private List<HeldSocketConfig> listen(YamlNode node, String what, String groupName) throws ConfigException {
        List<YamlNode> items = node.isList() ? node.list(what) : List.of(node);
        if (items.isEmpty()) {
            throw node.error(what + " is empty" + ADDRESS_HINT);
        }
        if (items.size() > HeldSockets.MAX_SOCKETS) {
            throw node.error(what + " has " + items.size() + " sockets, at most " + HeldSockets.MAX_SOCKETS + " are supported");
        }
        List<HeldSocketConfig> sockets = new ArrayList<>();
        for (YamlNode item : items) {
            HeldSocketConfig l = item.isMapping() ? detailed(item, what, groupName) : new HeldSocketConfig(address(item, what), groupName,
                    HeldSocketConfig.DEFAULT_BACKLOG, false, false, Optional.empty());
            if (sockets.stream().anyMatch(s -> s.address().equals(l.address()))) {
                throw item.error("address " + l.address() + " appears twice in " + what);
            }
            sockets.add(l);
        }
        return sockets;
    }

    private HeldSocketConfig detailed(YamlNode node, String what, String groupName) throws ConfigException {
        YamlMap map = node.map("an item of " + what).allowOnly(LISTEN_KEYS);
        HeldSocketConfig.Address address = address(map.require("address", node), what);
        String name = map.get("name", n -> fdName(n, "'name' in " + what), groupName);
        int backlog = map.get("backlog", n -> (int) range(n, 1, 65535, "'backlog' in " + what), HeldSocketConfig.DEFAULT_BACKLOG);
        boolean reusePort = map.get("reuse_port", n -> n.bool("'reuse_port' in " + what), false);
        Optional<YamlNode> v6 = map.get("ipv6_only");
        if (v6.isPresent() && !(address instanceof HeldSocketConfig.Inet(String host, int port) && host.contains(":"))) {
            throw v6.get().error("'ipv6_only' in " + what + " applies only to an IPv6 address such as [::]:8080, not " + address);
        }
        boolean v6Only = map.get("ipv6_only", n -> n.bool("'ipv6_only' in " + what), false);
        Optional<YamlNode> modeNode = map.get("mode");
        if (modeNode.isPresent() && !(address instanceof HeldSocketConfig.Unix)) {
            throw modeNode.get().error("'mode' in " + what + " applies only to a unix: socket, not " + address);
        }
        Optional<Integer> mode = map.get("mode", n -> Optional.of(mode(n, "'mode' in " + what)), Optional.empty());
        return new HeldSocketConfig(address, name, backlog, reusePort, v6Only, mode);
    }

    private HeldSocketConfig.Address address(YamlNode node, String what) throws ConfigException {
        String text = node.text(what);
        if (text.startsWith("unix:")) {
            String path = text.substring("unix:".length());
            if (path.isBlank()) {
                throw node.error("empty path in address '" + text + "' of " + what + ADDRESS_HINT);
            }
            return new HeldSocketConfig.Unix(configDir.resolve(path).normalize());
        }
        if (text.matches("\\d+")) {
            return new HeldSocketConfig.Inet("", ports.claimWritten(text, what, node));
        }
        InetAddressText inet = InetAddressText.parse(node, text, what, ADDRESS_HINT);
        return new HeldSocketConfig.Inet(inet.hostText(), ports.claimWritten(inet.portDigits(), what, node));
    }

    private static String fdName(YamlNode node, String what) throws ConfigException {
        String name = node.text(what);
        if (!FD_NAME.matcher(name).matches()) {
            throw node.error("invalid socket name '" + name + "' for " + what
                    + " (hint: letters, digits, '_', '.' and '-' only: names are joined with ':' in LISTEN_FDNAMES)");
        }
        return name;
    }

    private static int workers(YamlNode node, String what) throws ConfigException {
        return (int) range(node, 1, HeldSockets.MAX_WORKERS, what);
    }

    private static long range(YamlNode node, long min, long max, String what) throws ConfigException {
        long n = node.integer("a number (" + min + ".." + max + ")", what);
        if (n < min || n > max) {
            throw node.error(what + " is " + n + ", out of range " + min + ".." + max);
        }
        return n;
    }

    /** Written as a YAML string ('0660'): an unquoted 0660 would be read as the octal number 432 by some tools and decimal 660 by others. */
    private static int mode(YamlNode node, String what) throws ConfigException {
        String text = node.text(what);
        if (!text.matches("0?[0-7]{3}")) {
            throw node.error("invalid file mode '" + text + "' for " + what + " (hint: octal in quotes, e.g. '0660')");
        }
        return Integer.parseInt(text, 8);
    }

    private static HeldSockets.Ready ready(YamlNode node, String what) throws ConfigException {
        String text = node.text(what).trim();
        if (text.equals("notify")) {
            return new HeldSockets.Ready.Notify();
        }
        Matcher m = READY_ALIVE.matcher(text);
        if (!m.matches()) {
            throw node.error("invalid readiness rule '" + text + "' for " + what
                    + " (hint: 'alive 1s' = still running after 1s, as Server::Starter; 'notify' = READY=1 on $NOTIFY_SOCKET, as systemd)");
        }
        if (m.group(1) == null) {
            return new HeldSockets.Ready.AliveFor(HeldSockets.Ready.AliveFor.DEFAULT_INTERVAL);
        }
        try {
            Duration d = Durations.parse(m.group(1));
            if (d.isZero()) {
                throw node.error("interval '" + m.group(1) + "' for " + what + " must be greater than 0");
            }
            return new HeldSockets.Ready.AliveFor(d);
        } catch (IllegalArgumentException e) {
            throw node.error("invalid duration '" + m.group(1) + "' for " + what + ": " + e.getMessage());
        }
    }
}
