package io.rolld.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses a group's {@code smoke_test} list; each item is a one-key mapping naming the check. */
final class SmokeTestParser {
    static final List<String> KINDS = List.of("check_all_http_ports", "http", "tcp");
    private static final List<String> HTTP_KEYS = List.of("path", "status", "body", "timeout");
    /** The original format's only argument: the checks cannot target other ports. */
    static final String NUMPROCS = "numprocs";

    private SmokeTestParser() {
    }

    static List<SmokeTest> parse(YamlNode node, String group) throws ConfigException {
        List<SmokeTest> tests = new ArrayList<>();
        List<YamlNode> items = node.list("'smoke_test' in " + group);
        for (int i = 0; i < items.size(); i++) {
            String what = "smoke_test item " + (i + 1) + " of " + group;
            YamlMap.Entry check = items.get(i).map(what).allowOnly(KINDS).single();
            String where = "'" + check.name() + "' in smoke_test of " + group;
            tests.add(switch (check.name()) {
                case "check_all_http_ports" -> {
                    numprocs(check.value(), where);
                    yield new SmokeTest.Http("/", Optional.empty(), Optional.empty(), SmokeTest.Http.DEFAULT_REQUEST_TIMEOUT);
                }
                case "http" -> http(check.value(), where);
                default -> tcp(check.value(), where);
            });
        }
        return tests;
    }

    /** Checks the bare word {@code numprocs}, the original format's way to say "the ports being started". */
    private static void numprocs(YamlNode node, String what) throws ConfigException {
        if (!node.isWord(NUMPROCS)) {
            throw node.error(what + " takes the bare word 'numprocs', found " + node.describe()
                    + " (hint: checks always run against the ports of the workset being started)");
        }
    }

    private static SmokeTest.Http http(YamlNode node, String what) throws ConfigException {
        if (!node.isMapping()) {
            numprocs(node, what);
            return new SmokeTest.Http("/", Optional.empty(), Optional.empty(), SmokeTest.Http.DEFAULT_REQUEST_TIMEOUT);
        }
        YamlMap map = node.map(what).allowOnly(HTTP_KEYS);
        return new SmokeTest.Http(
                map.get("path", n -> path(n, "'path' of " + what), "/"),
                map.get("status", n -> Optional.of(status(n, "'status' of " + what)), Optional.empty()),
                map.get("body", n -> Optional.of(n.text("'body' of " + what)), Optional.empty()),
                map.get("timeout", n -> n.duration("'timeout' of " + what), SmokeTest.Http.DEFAULT_REQUEST_TIMEOUT));
    }

    private static SmokeTest.Tcp tcp(YamlNode node, String what) throws ConfigException {
        if (!node.isMapping()) {
            numprocs(node, what);
            return new SmokeTest.Tcp(SmokeTest.Tcp.DEFAULT_CONNECT_TIMEOUT);
        }
        YamlMap map = node.map(what).allowOnly(List.of("timeout"));
        return new SmokeTest.Tcp(map.get("timeout", n -> n.duration("'timeout' of " + what), SmokeTest.Tcp.DEFAULT_CONNECT_TIMEOUT));
    }

    static String path(YamlNode node, String what) throws ConfigException {
        String path = node.text(what);
        if (!path.startsWith("/")) {
            throw node.error(what + " must start with '/', found '" + path + "'");
        }
        return path;
    }

    static int status(YamlNode node, String what) throws ConfigException {
        long status = node.integer("an HTTP status (100..599)", what);
        if (status < 100 || status > 599) {
            throw node.error(what + " is out of range 100..599, found " + status);
        }
        return (int) status;
    }
}
