package io.rolld.cli;

import io.rolld.testing.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a client command, {@code scripts/rolld ARGS...} in {@code dir}: its exit code and
 * output. Started with {@link #start}, finished with {@link Running#await}; a run that outlives
 * its deadline is killed by pid and fails the test.
 */
record CliRun(int exitCode, String stdout, String stderr) {
    static CliRun run(Path dir, Duration timeout, String... args) {
        return start(dir, args).await(timeout);
    }

    static Running start(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Project.root().resolve("scripts").resolve("rolld").toString());
        command.addAll(List.of(args));
        return startCommand(dir, command);
    }

    /** Any program, e.g. a script that calls rolld. */
    static Running startCommand(Path dir, List<String> command) {
        try {
            Path out = Files.createTempFile(dir, "cli-", ".out");
            Path err = Files.createTempFile(dir, "cli-", ".err");
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Running(String.join(" ", command), process, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> lines() {
        return stdout.lines().toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }

    record Running(String args, Process process, Path out, Path err) {
        CliRun await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError("rolld " + args + " still running after " + timeout.toMillis()
                            + " ms; killed. stdout:\n" + Files.readString(out));
                }
                return new CliRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
