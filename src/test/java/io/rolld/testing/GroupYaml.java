package io.rolld.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a rolld.yml with one group {@code app} running example/app.py on two worksets of free
 * ports, with the HTTP smoke test; {@link #withNginx} adds the after_start hooks that point a
 * test's {@link Nginx} at each new workset, {@link #withHaproxy} the {@code front:} that sets a
 * test's {@link Haproxy} through its runtime API and the hook that renders its backend file. Extra keys are YAML lines indented under the group;
 * an extra line for {@code stop_timeout} or {@code drain_timeout} replaces the short default.
 * The one writer of a test group's configuration: {@link Deployment} uses it too.
 */
public final class GroupYaml {
    /** Shorter than rolld's defaults, so a test that stops stubborn workers does not wait long. */
    private static final Map<String, String> DEFAULTS = Map.of("stop_timeout", "5s", "drain_timeout", "10s");

    private final List<Integer> first;
    private final List<Integer> second;
    private final List<String> extra = new ArrayList<>();
    private final List<String> hooks = new ArrayList<>();
    private final List<String> settings = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Nginx nginx;
    private Haproxy haproxy;
    private Path template = UpstreamTemplate.template();
    private Path app = Project.example().resolve("app.py");

    private GroupYaml(int workersPerSet) {
        List<Integer> ports = FreePorts.distinct(2 * workersPerSet);
        this.first = ports.subList(0, workersPerSet);
        this.second = ports.subList(workersPerSet, 2 * workersPerSet);
    }

    public static GroupYaml workers(int perSet) {
        return new GroupYaml(perSet);
    }

    /** The ports of the first workset (generation 1, 3, ...). */
    public List<Integer> firstPorts() {
        return first;
    }

    public List<Integer> secondPorts() {
        return second;
    }

    /** Runs {@code appPy}, a copy of example/app.py (e.g. a release's), instead of the repository's. */
    public GroupYaml app(Path appPy) {
        this.app = appPy;
        return this;
    }

    /** Adds lines under the group, e.g. {@code "memory:", "  limit: 64MB"}. */
    public GroupYaml with(String... lines) {
        extra.addAll(List.of(lines));
        return this;
    }

    /**
     * Sets one key of the group to a scalar, replacing the extra line that set it before, e.g.
     * {@code set("ready_timeout", "2s")} for a generation that is certain to fail.
     */
    public GroupYaml set(String key, String value) {
        extra.removeIf(l -> l.startsWith(key + ":"));
        extra.add(key + ": " + value);
        return this;
    }

    /** Adds an {@code after_start} hook after nginx's (e.g. {@code "run_proc: 'touch x'"}); needs {@link #withNginx}. */
    public GroupYaml hook(String hook) {
        hooks.add(hook);
        return this;
    }

    /** Adds lines under rolld's own settings key {@code rolld:}, e.g. {@code "http: 127.0.0.1:9180"}. */
    public GroupYaml settings(String... lines) {
        settings.addAll(List.of(lines));
        return this;
    }

    /** Sets (value non-null) or removes a variable of the group's {@code env:}. */
    public GroupYaml env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    /** Renders the upstream file for the first workset now, so {@code nginx} can start before rolld. */
    public GroupYaml withNginx(Nginx notStarted) {
        return withNginx(notStarted, UpstreamTemplate.template());
    }

    /** Like {@link #withNginx(Nginx)}, with rolld rendering {@code upstreamTemplate} (a copy a test may break). */
    public GroupYaml withNginx(Nginx notStarted, Path upstreamTemplate) {
        this.nginx = notStarted;
        this.template = upstreamTemplate;
        UpstreamTemplate.write(notStarted.upstreamFile(), 0, first);
        return this;
    }

    /**
     * Renders the backend file with free slots only (as the first step of docs/configuration.md's "The HAProxy front" does), so
     * {@code haproxy} can start before rolld; rolld sets the slots at its first start. An extra
     * {@code front:} line replaces the one this writes.
     */
    public GroupYaml withHaproxy(Haproxy notStarted) {
        this.haproxy = notStarted;
        HaproxyBackend.writeEmpty(notStarted.backendFile());
        return this;
    }

    /** Writes {@code dir/rolld.yml}; worker logs go to {@code dir/logs}. */
    public Path write(Path dir) {
        StringBuilder yaml = new StringBuilder();
        if (!settings.isEmpty()) {
            yaml.append("rolld:\n").append(settings.stream().map(l -> "  " + l + "\n").collect(Collectors.joining()));
        }
        yaml.append("app:\n")
                .append("  cmd: 'python3 ").append(app).append(" {numproc}'\n")
                .append("  stdout: '").append(dir.resolve("logs")).append("/app-{numproc}.log'\n")
                .append("  stderr: '").append(dir.resolve("logs")).append("/app-{numproc}.err'\n");
        DEFAULTS.forEach((key, value) -> {
            if (extra.stream().noneMatch(l -> l.startsWith(key + ":"))) {
                yaml.append("  ").append(key).append(": ").append(value).append('\n');
            }
        });
        if (!env.isEmpty()) {
            yaml.append("  env:\n");
            env.forEach((name, value) -> yaml.append("    ").append(name).append(": '").append(value).append("'\n"));
        }
        yaml.append("  workset:\n")
                .append("    - numprocs: ").append(first).append('\n')
                .append("    - numprocs: ").append(second).append('\n')
                .append("  smoke_test:\n")
                .append("    - check_all_http_ports: numprocs\n");
        if (nginx != null) {
            yaml.append("  after_start:\n")
                    .append("    - replace_file: [numprocs, '").append(template).append("', '")
                    .append(nginx.upstreamFile()).append("']\n")
                    .append("    - run_proc: 'kill -HUP ").append(nginx.pid()).append("'\n");
            hooks.forEach(hook -> yaml.append("    - ").append(hook).append('\n'));
        }
        if (haproxy != null) {
            if (extra.stream().noneMatch(l -> l.startsWith("front:"))) {
                yaml.append("  front: {haproxy: {socket: '").append(haproxy.socket()).append("', backend: ")
                        .append(HaproxyBackend.NAME).append("}}\n");
            }
            yaml.append("  after_start:\n")
                    .append("    - replace_file: [numprocs, '").append(HaproxyBackend.template()).append("', '")
                    .append(haproxy.backendFile()).append("']\n");
        }
        yaml.append(extra.stream().map(l -> "  " + l + "\n").collect(Collectors.joining()));
        try {
            Path file = dir.resolve("rolld.yml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
