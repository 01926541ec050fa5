package io.rolld.front;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/** Runs an operator's {@code run_proc} line through {@code /bin/sh -c}, with a time limit. */
final class ShellCommand {
    private ShellCommand() {
    }

    /** {@code exitCode} is empty when the command was killed at the time limit. */
    record Result(String command, java.util.OptionalInt exitCode, String output, long elapsedMs) {
        boolean succeeded() {
            return exitCode.isPresent() && exitCode.getAsInt() == 0;
        }

        String describe() {
            String how = exitCode.isPresent() ? "exited " + exitCode.getAsInt() : "timed out after " + elapsedMs + "ms";
            String out = output.strip();
            return "command '" + command + "' " + how + (out.isEmpty() ? " with no output" : ", output:\n" + out);
        }
    }

    static Result run(String command, Path directory, Duration timeout) throws IOException {
        CommandLine line = new CommandLine("/bin/sh").addArgument("-c").addArgument(command, false);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(directory.toFile()).get();
        executor.setStreamHandler(new PumpStreamHandler(output));
        executor.setWatchdog(watchdog);
        executor.setExitValues(null); // every exit code is an answer, not an exception
        long start = System.nanoTime();
        int code;
        try {
            code = executor.execute(line);
        } catch (ExecuteException e) {
            code = e.getExitValue();
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        String text = output.toString(StandardCharsets.UTF_8);
        return new Result(command, watchdog.killedProcess() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(code),
                text, elapsed);
    }
}
