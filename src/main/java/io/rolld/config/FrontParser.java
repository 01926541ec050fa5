package io.rolld.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses a group's {@code front} key: {@code {haproxy: {socket: PATH or 127.0.0.1:PORT, backend: NAME}}}. */
final class FrontParser {
    static final String KEY = "front";
    private static final List<String> KINDS = List.of("haproxy");
    private static final List<String> HAPROXY_KEYS = List.of("socket", "backend");
    /** The characters HAProxy allows in a proxy name; a space or ';' would also split the runtime API's command line. */
    private static final Pattern BACKEND = Pattern.compile("[A-Za-z0-9_.:-]+");
    private static final Pattern LOOKS_LIKE_ADDRESS = Pattern.compile("\\[.*]:.*|[0-9.]+:.*");
    private static final String SOCKET_HINT = " (hint: the 'stats socket' of HAProxy's global section: a Unix socket path such as"
            + " /run/haproxy/admin.sock, or 127.0.0.1:PORT for 'stats socket ipv4@127.0.0.1:PORT level admin')";

    private final Path configDir;

    FrontParser(Path configDir) {
        this.configDir = configDir;
    }

    /** {@link FrontConfig#HOOKS} without a {@code front} key; {@code held}: the group is in held-socket mode. */
    FrontConfig parse(YamlMap group, String what, Optional<HeldSockets> held) throws ConfigException {
        Optional<YamlNode> node = group.get(KEY);
        if (node.isEmpty()) {
            return FrontConfig.HOOKS;
        }
        String owner = "'" + KEY + "' in " + what;
        if (held.isPresent()) {
            throw node.get().error(owner + " only applies with 'workset' (hint: in held-socket mode every generation serves the same"
                    + " held socket, so no front is switched; point HAProxy's server at the held address)");
        }
        YamlMap.Entry kind = node.get().map(owner).allowOnly(KINDS).single();
        String haproxy = "'haproxy' in " + owner;
        YamlMap map = kind.value().map(haproxy).allowOnly(HAPROXY_KEYS);
        return new FrontConfig.Haproxy(socket(map.require("socket", kind.key()), "'socket' of " + haproxy),
                backend(map.require("backend", kind.key()), "'backend' of " + haproxy));
    }

    private FrontConfig.AdminSocket socket(YamlNode node, String what) throws ConfigException {
        String text = node.text(what);
        if (LOOKS_LIKE_ADDRESS.matcher(text).matches()) {
            InetAddressText address = InetAddressText.parse(node, text, what, SOCKET_HINT);
            int port = port(node, address.portDigits(), what);
            if (!address.host().isLoopbackAddress()) {
                throw node.error(what + " is " + text + ", not a loopback address: rolld points HAProxy's servers at 127.0.0.1,"
                        + " so HAProxy runs on this machine (hint: 127.0.0.1:" + port + ")");
            }
            return new FrontConfig.AdminSocket.Tcp(address.host(), port);
        }
        Path path = node.path(what, configDir);
        if (path.getParent() == null || !Files.isDirectory(path.getParent())) {
            throw node.error("the directory '" + Path.of(text).getParent() + "' of socket '" + text + "' in " + what + " does not exist"
                    + HookParser.HINT_PATHS);
        }
        return new FrontConfig.AdminSocket.Unix(path);
    }

    private static int port(YamlNode node, String digits, String what) throws ConfigException {
        long port = digits.length() > 5 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (port < PortRegistry.MIN || port > PortRegistry.MAX) {
            throw node.error("port " + digits + " in " + what + " is out of range " + PortRegistry.MIN + ".." + PortRegistry.MAX);
        }
        return (int) port;
    }

    private static String backend(YamlNode node, String what) throws ConfigException {
        String name = node.text(what);
        if (!BACKEND.matcher(name).matches()) {
            throw node.error("invalid backend name '" + name + "' in " + what
                    + " (hint: HAProxy's name of the backend section, letters, digits and '_.:-', e.g. backend: app)");
        }
        return name;
    }
}
