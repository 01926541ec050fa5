package io.rolld.testing;

import com.samskivert.mustache.Mustache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** example/haproxy-backend.cfg.mustache, the backend file rolld renders for HAProxy, as tests use it. */
public final class HaproxyBackend {
    /** The backend's name in the template. */
    public static final String NAME = "app-servers";

    private HaproxyBackend() {
    }

    public static Path template() {
        return Project.example().resolve("haproxy-backend.cfg.mustache");
    }

    /** The file before rolld's first start: the template with no server, only the free slots. */
    public static void writeEmpty(Path target) {
        try {
            String text = Files.readString(template());
            Files.writeString(target, Mustache.compiler().escapeHTML(false).compile(text)
                    .execute(Map.of("group", "app", "generation", 0, "canary_weight", 100, "servers", List.of())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
