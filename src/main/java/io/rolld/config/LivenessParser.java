package io.rolld.config;

import java.util.List;
import java.util.Optional;

/** Parses a group's {@code liveness} key: one check ({@code http} or {@code tcp}) and when it counts. */
final class LivenessParser {
    private static final List<String> KEYS = List.of("http", "tcp", "interval", "failures", "grace", "cooldown");
    private static final List<String> HTTP_KEYS = List.of("path", "status", "timeout");
    private static final long MAX_FAILURES = 100;

    private LivenessParser() {
    }

    static Liveness parse(YamlNode node, String what) throws ConfigException {
        YamlMap map = node.map(what).allowOnly(KEYS);
        Optional<YamlNode> http = map.get("http");
        Optional<YamlNode> tcp = map.get("tcp");
        if (http.isPresent() == tcp.isPresent()) {
            throw (http.isPresent() ? tcp.get() : node).error(what + " needs exactly one check, 'http' or 'tcp'"
                    + " (hint: liveness: {http: {path: /health}} or liveness: {tcp: {}})");
        }
        SmokeTest check = http.isPresent() ? http(http.get(), "'http' in " + what) : tcp(tcp.get(), "'tcp' in " + what);
        return new Liveness(check,
                map.get("interval", n -> n.duration("'interval' in " + what), Liveness.DEFAULT_INTERVAL),
                map.get("failures", n -> failures(n, "'failures' in " + what), Liveness.DEFAULT_FAILURES),
                map.get("grace", n -> n.duration("'grace' in " + what), Liveness.DEFAULT_GRACE),
                map.get("cooldown", n -> n.duration("'cooldown' in " + what), Liveness.DEFAULT_COOLDOWN));
    }

    private static SmokeTest.Http http(YamlNode node, String what) throws ConfigException {
        YamlMap map = node.map(what).allowOnly(HTTP_KEYS);
        return new SmokeTest.Http(
                map.get("path", n -> SmokeTestParser.path(n, "'path' of " + what), "/"),
                map.get("status", n -> Optional.of(SmokeTestParser.status(n, "'status' of " + what)), Optional.empty()),
                Optional.empty(),
                map.get("timeout", n -> n.duration("'timeout' of " + what), Liveness.DEFAULT_TIMEOUT));
    }

    private static SmokeTest.Tcp tcp(YamlNode node, String what) throws ConfigException {
        if (node.isNull()) {
            return new SmokeTest.Tcp(Liveness.DEFAULT_TIMEOUT);
        }
        YamlMap map = node.map(what).allowOnly(List.of("timeout"));
        return new SmokeTest.Tcp(map.get("timeout", n -> n.duration("'timeout' of " + what), Liveness.DEFAULT_TIMEOUT));
    }

    private static int failures(YamlNode node, String what) throws ConfigException {
        long n = node.integer("a number of checks (1.." + MAX_FAILURES + ")", what);
        if (n < 1 || n > MAX_FAILURES) {
            throw node.error(what + " is out of range 1.." + MAX_FAILURES + ", found " + n);
        }
        return (int) n;
    }
}
