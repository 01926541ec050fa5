package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.os.ShellCommand;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One round of the checks a bake runs on the new set: every worker still running, the mode's own
 * check (smoke tests), then the group's {@code bake.check} command, which gets the rollout in
 * {@code ROLLD_*} variables and runs in the directory of rolld.yml within {@code hook_timeout}.
 */
final class NewSetWatch {
    private final GroupConfig config;
    private final Path configDir;
    private final RolloutMode mode;
    private final WorkerSet next;
    private final List<Integer> oldPorts;
    private final String step;
    private final int weight;

    NewSetWatch(GroupConfig config, Path configDir, RolloutMode mode, WorkerSet next, List<Integer> oldPorts, String step, int weight) {
        this.config = config;
        this.configDir = configDir;
        this.mode = mode;
        this.next = next;
        this.oldPorts = List.copyOf(oldPorts);
        this.step = step;
        this.weight = weight;
    }

    /** One round; a failure says why. */
    Optional<RolloutFailure> run() throws InterruptedException {
        for (Worker w : next.workers()) {
            if (!w.isAlive()) {
                return Optional.of(new RolloutFailure("worker on port " + w.port() + " (pid " + w.pid() + ") exited during the "
                        + step + " (" + w.exit().join() + ")", w.stderrTail(RolloutMode.STDERR_TAIL_LINES)));
            }
        }
        try {
            mode.recheck(next, step);
        } catch (RolloutFailure f) {
            return Optional.of(new RolloutFailure(f.reason(), f.detail()));
        }
        Optional<String> check = config.delivery().check();
        return check.isEmpty() ? Optional.empty() : runCheck(check.get());
    }

    private Optional<RolloutFailure> runCheck(String command) {
        ShellCommand.Result result;
        try {
            result = ShellCommand.run(command, configDir, environment(), config.hookTimeout());
        } catch (IOException e) {
            return Optional.of(new RolloutFailure("bake check '" + command + "' could not run during the " + step + ": " + e.getMessage(), ""));
        }
        if (result.succeeded()) {
            return Optional.empty();
        }
        String how = result.exitCode().isPresent() ? "exited " + result.exitCode().getAsInt() : "timed out after " + result.elapsedMs() + "ms";
        return Optional.of(new RolloutFailure("bake check '" + command + "' " + how + " during the " + step
                + result.output().lines().filter(l -> !l.isBlank()).findFirst().map(l -> ": " + l.strip()).orElse(""), result.output().strip()));
    }

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ROLLD_GROUP", config.name());
        env.put("ROLLD_GENERATION", Long.toString(next.generation()));
        env.put("ROLLD_STEP", step);
        env.put("ROLLD_WEIGHT", Integer.toString(weight));
        env.put("ROLLD_PORTS", join(next.ports()));
        env.put("ROLLD_PIDS", join(next.pids()));
        env.put("ROLLD_OLD_PORTS", join(oldPorts));
        return env;
    }

    private static String join(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
