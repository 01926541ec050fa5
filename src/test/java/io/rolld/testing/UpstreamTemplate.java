package io.rolld.testing;

import com.samskivert.mustache.Mustache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Renders example/nginx-upstream.conf.mustache, the file rolld writes on every rollout, so tests
 * that drive nginx without rolld use exactly what ships. Written atomically (temp file + rename).
 */
public final class UpstreamTemplate {
    private UpstreamTemplate() {
    }

    public static Path template() {
        return Project.example().resolve("nginx-upstream.conf.mustache");
    }

    public static String render(String group, int generation, List<Integer> ports) {
        try {
            String text = Files.readString(template());
            return Mustache.compiler().escapeHTML(false).compile(text)
                    .execute(Map.of("group", group, "generation", generation, "ports", ports, "canary_weight", 100,
                            "servers", ports.stream().map(p -> Map.of("port", p, "weight", 1)).toList()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + template(), e);
        }
    }

    /** Renders for group "app-servers" into {@code target}, replacing it atomically. */
    public static Path write(Path target, int generation, List<Integer> ports) {
        try {
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.writeString(tmp, render("app-servers", generation, ports));
            return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + target, e);
        }
    }
}
