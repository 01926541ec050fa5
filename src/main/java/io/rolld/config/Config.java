package io.rolld.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One parsed and validated rolld.yml: rolld's own settings plus its groups, in file order.
 * Immutable; a reload builds a new one.
 */
public record Config(Path file, Settings settings, List<GroupConfig> groups) {
    public Config {
        groups = List.copyOf(groups);
    }

    public Optional<GroupConfig> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }
}
