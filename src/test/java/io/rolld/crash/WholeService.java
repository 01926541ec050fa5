package io.rolld.crash;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.Polling;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.RolldClient;
import io.rolld.testing.RolldStatus;
import io.rolld.testing.Rolld;
import io.rolld.testing.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a crash must never break, checked from rolld's status and the files, not its log: {@code
 * rolld status --json} says serving with no rollout left, every worker it lists runs, no other
 * worker runs (an orphan of the dead rolld included), and the front (nginx's rendered upstream
 * file) lists exactly the ports of those workers, each of which answers.
 */
final class WholeService {
    static final String GROUP = Deployment.GROUP;
    /** How long the restarted rolld may take to make the service whole (it stops leftovers, drains, reloads nginx). */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    private static final Pattern SERVER = Pattern.compile("server 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern STEP_MS = Pattern.compile("duration_ms=(\\d+)");
    /** A step at least this long is an operator's pause: the test promotes it instead of waiting. */
    private static final long PROMOTED_MS = 60_000;

    private WholeService() {
    }

    /**
     * Waits (up to a generous deadline) until the service is whole: {@code workers} live workers
     * serving per {@code status --json}, exactly these among {@code apps} (every app.py process
     * below the dead rolld and the live one), the front (if any) listing exactly their ports.
     * Fails with every discrepancy of the last look. Returns that status.
     */
    static RolldStatus await(Path config, int workers, Supplier<Collection<ProcessHandle>> apps, Optional<Path> upstream) {
        List<String> problems = new ArrayList<>();
        RolldStatus[] last = new RolldStatus[1];
        boolean whole = Polling.await(() -> {
            last[0] = RolldStatus.of(config);
            problems.clear();
            problems.addAll(problems(last[0], workers, apps.get(), upstream));
            return problems.isEmpty();
        }, DEADLINE, POLL);
        if (!whole) {
            throw new AssertionError("the service is not whole after " + DEADLINE.toSeconds() + " s: " + String.join("; ", problems)
                    + "\nstatus --json (exit " + last[0].exitCode() + "): " + last[0].output());
        }
        return last[0];
    }

    /** Like {@link #await}, then each worker's port answers GET / itself, from that worker (workset mode). */
    static RolldStatus awaitAnswering(Path config, int workers, Supplier<Collection<ProcessHandle>> apps, Path upstream) {
        RolldStatus status = await(config, workers, apps, Optional.of(upstream));
        for (var w : status.workers(GROUP)) {
            int port = ((Number) w.get("port")).intValue();
            String body = new WebClient(port).body("/");
            if (!body.contains("pid " + w.get("pid") + " ")) {
                throw new AssertionError("port " + port + " answered " + body + ", not worker " + w);
            }
        }
        return status;
    }

    private static List<String> problems(RolldStatus status, int workers, Collection<ProcessHandle> apps, Optional<Path> upstream) {
        List<String> problems = new ArrayList<>();
        if (status.exitCode() != 0) {
            problems.add("status exited " + status.exitCode());
        }
        if (!"serving".equals(status.state(GROUP))) {
            problems.add("group state '" + status.state(GROUP) + "', not serving");
        }
        if (status.rolloutRunning(GROUP)) {
            problems.add("a rollout is still in progress: " + status.group(GROUP).get("rollout"));
        }
        if (status.workers(GROUP).size() != workers || status.workers(GROUP).stream().anyMatch(w -> !Boolean.TRUE.equals(w.get("alive")))) {
            problems.add("status lists " + status.workers(GROUP) + ", not " + workers + " live workers");
        }
        Set<Long> listed = new TreeSet<>(status.pids(GROUP));
        Set<Long> running = apps.stream().filter(ProcessAssertions::running).map(ProcessHandle::pid).collect(Collectors.toCollection(TreeSet::new));
        if (!running.equals(listed)) {
            Set<Long> orphans = new TreeSet<>(running);
            orphans.removeAll(listed);
            problems.add("app.py processes running " + running + ", status lists " + listed + " (not rolld's: " + orphans + ")");
        }
        upstream.ifPresent(file -> {
            Set<Integer> fronted = servers(file);
            if (!fronted.equals(new HashSet<>(status.ports(GROUP)))) {
                problems.add("the front lists ports " + fronted + " but the workers serve on " + status.ports(GROUP));
            }
        });
        return problems;
    }

    /** The ports of the {@code server} lines of a rendered upstream file. */
    static Set<Integer> servers(Path upstream) {
        try {
            Set<Integer> ports = new TreeSet<>();
            Matcher m = SERVER.matcher(Files.readString(upstream));
            while (m.find()) {
                ports.add(Integer.parseInt(m.group(1)));
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * HUP, then the rollout it starts to its end; a step that is an operator's pause (a long canary
     * pause or bake) is promoted. Returns the outcome; fails unless it succeeded.
     */
    static Deployment.Outcome rollNormally(Rolld rolld, Path config) {
        int next = rolld.lines().size();
        rolld.signal("HUP");
        while (true) {
            String line = rolld.awaitLineAfter(next, "event=(rollout_step|rollout_succeeded|rollout_failed) group=" + GROUP + " ", ROLLOUT);
            next = rolld.lines().subList(next, rolld.lines().size()).indexOf(line) + next + 1;
            if (!line.contains("event=rollout_step")) {
                Deployment.Outcome outcome = Deployment.Outcome.parse(line);
                if (!outcome.succeeded()) {
                    throw new AssertionError("the next HUP did not roll: " + line + "\n" + rolld.tail());
                }
                return outcome;
            }
            Matcher ms = STEP_MS.matcher(line);
            if (ms.find() && Long.parseLong(ms.group(1)) >= PROMOTED_MS) {
                Deployment.Restart promote = RolldClient.run(config, "promote", GROUP);
                if (promote.exitCode() != 0) {
                    throw new AssertionError("promote exited " + promote.exitCode() + ": " + promote.output());
                }
            }
        }
    }

    /** Checks that may fail; a failure is reported with what the load saw until then. */
    interface Checks {
        void run() throws Exception;
    }

    /** Runs {@code checks}; a failure's message gets the load's counts so far (the 502s a broken front causes). */
    static void underLoad(HttpLoad load, Checks checks) throws Exception {
        try {
            checks.run();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nload so far: " + load.report(), e);
        }
    }

    /** app.py processes among {@code processes}. */
    static List<ProcessHandle> apps(Collection<ProcessHandle> processes) {
        return processes.stream().filter(p -> p.info().commandLine().orElse("").contains("app.py")).toList();
    }
}
