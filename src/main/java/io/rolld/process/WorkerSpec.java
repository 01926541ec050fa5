package io.rolld.process;

import io.rolld.config.RunAs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything needed to start one worker: no shell is involved, so the pid is the server's own.
 *
 * @param env    variables added to rolld's own environment
 * @param stdout absolute file appended to; empty means rolld's own stdout
 * @param runAs  {@code user:}/{@code group:} the worker runs as; empty: rolld's own ids
 */
public record WorkerSpec(int port, List<String> argv, Path directory, Map<String, String> env,
                         Optional<Path> stdout, Optional<Path> stderr, Optional<RunAs> runAs) {
    public WorkerSpec {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /** The same worker with {@code more} variables (its own win). */
    public WorkerSpec withEnvironment(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(more);
        all.putAll(env);
        return new WorkerSpec(port, argv, directory, all, stdout, stderr, runAs);
    }

    /** A worker with rolld's own ids. */
    public WorkerSpec(int port, List<String> argv, Path directory, Map<String, String> env,
                      Optional<Path> stdout, Optional<Path> stderr) {
        this(port, argv, directory, env, stdout, stderr, Optional.empty());
    }
}
