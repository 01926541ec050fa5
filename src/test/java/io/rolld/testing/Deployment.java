package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private final GroupYaml yaml;
    private final Nginx nginx;
    private Rolld rolld;

    private Deployment(Path dir, Nginx nginx, Path app, int workers, String... groupLines) {
        this.dir = dir;
        this.nginx = nginx;
        try {
            Files.copy(UpstreamTemplate.template(), template()); // a copy, so a test may break it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // nginx needs an upstream file before it starts: withNginx renders it for the first workset.
        this.yaml = GroupYaml.workers(workers).app(app).withNginx(nginx, template()).with(groupLines);
    }

    /**
     * Starts nginx, writes rolld.yml and starts rolld; returns once the first start succeeded.
     * {@code groupLines} are extra keys of the group (see {@link GroupYaml#with}).
     */
    public static Deployment start(String name, int workers, String... groupLines) {
        return start(Project.root().resolve("scripts").resolve("rolld"), name, workers, groupLines);
    }

    /** Like {@link #start(String, int, String...)}, with rolld run by {@code launcher} (another install). */
    public static Deployment start(Path launcher, String name, int workers, String... groupLines) {
        Path dir = directory(Project.scratch("deploy").resolve(name + "-" + System.nanoTime()));
        return start(new Deployment(dir, Nginx.inFrontOf(dir.resolve("upstream.conf")), Project.example().resolve("app.py"),
                workers, groupLines), launcher);
    }

    /**
     * Like {@link #start(Path, String, int, String...)}, as an operator without root runs it: in
     * {@code home/NAME}, with nginx (its prefix in there) run by {@code account}, and the workers
     * running {@code app} (a copy of example/app.py that account can read). {@code launcher} must
     * run rolld as {@code account} too (see {@link NoJdk#launcher(Path, String, Path, Account)}).
     */
    public static Deployment startAs(Account account, Path home, Path launcher, Path app, String name, int workers, String... groupLines) {
        Path dir = account.own(directory(home.resolve(name)));
        return start(new Deployment(dir, Nginx.runBy(account, dir.resolve("nginx"), dir.resolve("upstream.conf")), app, workers,
                groupLines), launcher);
    }

    private static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Deployment start(Deployment d, Path launcher) {
        try {
            d.nginx.start();
            d.writeConfig();
            d.rolld = Rolld.start(launcher, d.config());
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
        return yaml.firstPorts();
    }

    public List<Integer> secondPorts() {
        return yaml.secondPorts();
    }

    /** Sets (value non-null) or removes a variable of the group's {@code env:}; takes effect at the next HUP. */
    public Deployment env(String name, String value) {
        yaml.env(name, value);
        writeConfig();
        return this;
    }

    /** Sets one scalar key of the group (see {@link GroupYaml#set}); takes effect at the next HUP. */
    public Deployment set(String key, String value) {
        yaml.set(key, value);
        writeConfig();
        return this;
    }

    public void writeConfig() {
        yaml.write(dir);
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
