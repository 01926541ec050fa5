package io.rolld.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A YAML mapping with string keys, in file order. Duplicate keys are refused here because the
 * Compose API keeps both and a silent "last one wins" would hide a typo'd second group or cmd.
 */
final class YamlMap {

    record Entry(YamlNode key, String name, YamlNode value) {
    }

    /** Turns one value into its typed form, failing at the value's position. */
    @FunctionalInterface
    interface Value<T> {
        T parse(YamlNode node) throws ConfigException;
    }

    private final YamlNode node;
    private final String what;
    private final Map<String, Entry> entries;

    private YamlMap(YamlNode node, String what, Map<String, Entry> entries) {
        this.node = node;
        this.what = what;
        this.entries = entries;
    }

    static YamlMap of(YamlNode node, MappingNode mapping, String what) throws ConfigException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            YamlNode key = new YamlNode(tuple.getKeyNode(), node.file());
            if (!(tuple.getKeyNode() instanceof ScalarNode scalar) || key.isNull()) {
                throw key.error("expected a name as key in " + what + ", found " + key.describe());
            }
            Entry previous = entries.putIfAbsent(scalar.getValue(), new Entry(key, scalar.getValue(), new YamlNode(tuple.getValueNode(), node.file())));
            if (previous != null) {
                throw key.error("duplicate key '" + scalar.getValue() + "' in " + what + " (first at " + previous.key().position() + ")");
            }
        }
        return new YamlMap(node, what, entries);
    }

    /** Refuses any key not in {@code known}, hinting at the closest known key; {@code aliases} maps other tools' names to ours. */
    YamlMap allowOnly(List<String> known, Map<String, String> aliases) throws ConfigException {
        for (Entry e : entries.values()) {
            if (!known.contains(e.name())) {
                String hint = Hints.closest(e.name(), known, aliases)
                        .map(k -> "did you mean '" + k + "'?")
                        .orElse("known keys are " + String.join(", ", known));
                throw e.key().error("unknown key '" + e.name() + "' in " + what + " (hint: " + hint + ")");
            }
        }
        return this;
    }

    YamlMap allowOnly(List<String> known) throws ConfigException {
        return allowOnly(known, Map.of());
    }

    Optional<YamlNode> get(String key) {
        return Optional.ofNullable(entries.get(key)).map(Entry::value);
    }

    <T> T get(String key, Value<T> value, T fallback) throws ConfigException {
        Optional<YamlNode> node = get(key);
        return node.isPresent() ? value.parse(node.get()) : fallback;
    }

    /**
     * The only entry of a one-key mapping such as {@code - run_proc: 'cmd'}. Two keys usually
     * mean a forgotten {@code -} between two items.
     */
    Entry single() throws ConfigException {
        if (entries.size() != 1) {
            throw node.error("expected exactly one key in " + what + ", found " + entries.size()
                    + " (hint: start each item with '- ')");
        }
        return entries.values().iterator().next();
    }

    /** A required key; its absence is reported at {@code owner}, usually the key that names this mapping. */
    YamlNode require(String key, YamlNode owner) throws ConfigException {
        return get(key).orElseThrow(() -> owner.error("missing key '" + key + "' in " + what));
    }

    Collection<Entry> entries() {
        return entries.values();
    }

}
