package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The real thing in load-balancer mode, on free loopback ports: a real nginx in front of one
 * group of {@code example/app.py} workers run by the real {@code scripts/rolld}. The group is
 * named {@code app}; its rolld.yml lives in a scratch directory and can be rewritten between
 * rollouts (HUP re-reads it). Closing stops rolld (and so its workers) and nginx, by pid.
 */
public final class Deployment implements AutoCloseable {
    public static final String GROUP = "app";
    private static final Duration ROLLOUT_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern OUTCOME = Pattern.compile("event=rollout_(succeeded|failed) group=" + GROUP + " ");

    private final Path dir;
    private final List<Integer> firstPorts;
    private final List<Integer> secondPorts;
    private final Nginx nginx;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String extraGroupYaml = "";
    private Rolld rolld;

    private Deployment(String name, int workers) {
        this.dir = Project.scratch("deploy").resolve(name + "-" + System.nanoTime());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Integer> ports = FreePorts.distinct(2 * workers);
        this.firstPorts = ports.subList(0, workers);
        this.secondPorts = ports.subList(workers, 2 * workers);
        // nginx needs an upstream file before it starts; rolld rewrites it on every rollout.
        Path upstream = UpstreamTemplate.write(dir.resolve("upstream.conf"), 0, firstPorts);
        this.nginx = Nginx.inFrontOf(upstream);
        try {
            Files.copy(UpstreamTemplate.template(), template()); // a copy, so a test may break it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts nginx, writes rolld.yml and starts rolld; returns once the first start succeeded. */
    public static Deployment start(String name, int workers, String extraGroupYaml) {
        Deployment d = new Deployment(name, workers);
        try {
            d.extraGroupYaml = extraGroupYaml;
            d.nginx.start();
            d.writeConfig();
            d.rolld = Rolld.start(d.config());
            d.rolld.awaitLine("event=ready ", ROLLOUT_TIMEOUT);
            return d;
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public Path config() {
        return dir.resolve("rolld.yml");
    }

    /** The upstream template rolld renders: this deployment's own copy of the example's. */
    public Path template() {
        return dir.resolve("upstream.conf.mustache");
    }

    public Nginx nginx() {
        return nginx;
    }

    public Rolld rolld() {
        return rolld;
    }

    public List<Integer> firstPorts() {
        return firstPorts;
    }

    public List<Integer> secondPorts() {
        return secondPorts;
    }

    /** Sets (value non-null) or removes a variable of the group's {@code env:}; takes effect at the next HUP. */
    public Deployment env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        writeConfig();
        return this;
    }

    public void writeConfig() {
        String envYaml = env.isEmpty() ? "" : "  env:\n" + env.entrySet().stream()
                .map(e -> "    " + e.getKey() + ": '" + e.getValue() + "'\n").collect(Collectors.joining());
        String yaml = GROUP + ":\n"
                + "  cmd: 'python3 app.py {numproc}'\n"
                + "  directory: '" + Project.example() + "'\n"
                + "  stdout: '" + dir.resolve("logs") + "/app-{numproc}.log'\n"
                + "  stderr: '" + dir.resolve("logs") + "/app-{numproc}.err'\n"
                + envYaml
                + "  workset:\n"
                + "    - numprocs: " + firstPorts + "\n"
                + "    - numprocs: " + secondPorts + "\n"
                + "  smoke_test:\n"
                + "    - check_all_http_ports: numprocs\n"
                + "  after_start:\n"
                + "    - replace_file: [numprocs, '" + template() + "', '" + nginx.upstreamFile() + "']\n"
                + "    - run_proc: 'kill -HUP " + nginx.pid() + "'\n"
                + extraGroupYaml;
        try {
            Files.writeString(config(), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one rollout reported in rolld's log. */
    public record Outcome(boolean succeeded, List<Long> pids, List<Long> oldPids, String line) {
        public static Outcome parse(String line) {
            return new Outcome(line.contains("event=rollout_succeeded"), pids(line, "pids"), pids(line, "old_pids"), line);
        }

        private static List<Long> pids(String line, String key) {
            Matcher m = Pattern.compile("\\b" + key + "=([0-9,]+)").matcher(line);
            return m.find() ? Arrays.stream(m.group(1).split(",")).map(Long::parseLong).toList() : List.of();
        }
    }

    /** Sends HUP to rolld and waits for the outcome of the rollout it triggers. */
    public Outcome hup() {
        int from = rolld.lines().size();
        rolld.signal("HUP");
        return awaitOutcomeAfter(from);
    }

    public Outcome awaitOutcomeAfter(int fromLine) {
        return Outcome.parse(rolld.awaitLineAfter(fromLine, OUTCOME.pattern(), ROLLOUT_TIMEOUT));
    }

    /** What {@code rolld restart --wait} printed (stdout and stderr) and how it exited. */
    public record Restart(int exitCode, String output) {
    }

    /** Runs {@code scripts/rolld restart --wait -c rolld.yml} (the CI deploy step) and waits for it. */
    public Restart restartWait() {
        try (Rolld client = Rolld.launch(List.of(Project.root().resolve("scripts").resolve("rolld").toString(),
                "restart", "--wait", "--timeout", "80s", "-c", config().toString()), Project.root(), "restart")) {
            int code = client.awaitExit(ROLLOUT_TIMEOUT);
            return new Restart(code, String.join("\n", client.lines()));
        }
    }

    /** Pids of the workers of {@code generation} that rolld reported stopped after log line {@code from}. */
    public List<Long> stoppedAfter(int from, long generation) {
        return rolld.lines().subList(from, rolld.lines().size()).stream()
                .filter(l -> l.contains("event=worker_stopped group=" + GROUP + " generation=" + generation + " "))
                .map(l -> Long.parseLong(l.replaceAll(".* pid=(\\d+).*", "$1"))).toList();
    }

    @Override
    public void close() {
        try {
            if (rolld != null) {
                rolld.close();
            }
        } finally {
            nginx.close();
        }
    }
}
