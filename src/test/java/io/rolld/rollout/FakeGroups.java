package io.rolld.rollout;

import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import java.nio.file.Path;

/** Group {@code app} of rolld.yml in {@code dir} for unit tests: {@code cmd: 'app {numproc}'} (never run) plus {@code keys}. */
final class FakeGroups {
    private FakeGroups() {
    }

    /** {@code keys}: the group's other keys, indented by two spaces. */
    static GroupConfig app(Path dir, String keys) throws Exception {
        return ConfigLoader.parse("app:\n  cmd: 'app {numproc}'\n  directory: '" + dir + "'\n" + keys, dir.resolve("rolld.yml"))
                .group("app").orElseThrow();
    }

    /** A workset group on port 9101, then 9201, with {@code extra} keys. */
    static GroupConfig onePort(Path dir, String extra) throws Exception {
        return app(dir, "  workset:\n    - numprocs: [9101]\n    - numprocs: [9201]\n" + extra);
    }
}
