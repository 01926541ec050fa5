package io.rolld.config;

import java.util.List;
import java.util.Optional;

/**
 * Parses {@code logs:} under {@code rolld:} (the default of every group, and of rolld's own
 * {@code --log-file}) and in a group, where each key left out is taken from the default and
 * {@code logs: false} turns a default off for that group.
 */
final class LogRotationParser {
    static final String KEY = "logs";
    private static final List<String> KEYS = List.of("max_size", "keep", "compress");

    private LogRotationParser() {
    }

    static Optional<LogRotation> parse(YamlMap owner, String what, Optional<LogRotation> defaults) throws ConfigException {
        Optional<YamlNode> node = owner.get(KEY);
        if (node.isEmpty()) {
            return defaults;
        }
        String where = "'" + KEY + "' in " + what;
        if (!node.get().isMapping()) {
            if (node.get().bool(where + " (a mapping, or false to turn rotation off)")) {
                throw node.get().error(where + " must be a mapping such as {max_size: 50MB, keep: 10}, or false");
            }
            return Optional.empty();
        }
        YamlMap map = node.get().map(where).allowOnly(KEYS);
        Optional<YamlNode> maxSize = map.get("max_size");
        if (maxSize.isEmpty() && defaults.isEmpty()) {
            throw node.get().error("missing key 'max_size' in " + where + " (hint: the size a file may reach before it is rotated, e.g. 50MB)");
        }
        long max = maxSize.isPresent() ? maxSize.get().size("'max_size' in " + where) : defaults.get().maxSize();
        int keep = map.get("keep", n -> keep(n, "'keep' in " + where), defaults.map(LogRotation::keep).orElse(LogRotation.DEFAULT_KEEP));
        boolean compress = map.get("compress", n -> n.bool("'compress' in " + where), defaults.map(LogRotation::compress).orElse(false));
        return Optional.of(new LogRotation(max, keep, compress));
    }

    private static int keep(YamlNode node, String what) throws ConfigException {
        String expected = "a number of copies (0.." + LogRotation.MAX_KEEP + ")";
        long keep = node.integer(expected, what);
        if (keep < 0 || keep > LogRotation.MAX_KEEP) {
            throw node.error(what + " is " + keep + ", expected " + expected);
        }
        return (int) keep;
    }
}
