package io.rolld.os;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs an operator's command line through {@code /bin/sh -c} with a time limit: the front's
 * {@code run_proc} hooks and the {@code on_event} commands. At the limit the whole tree is killed.
 */
public final class ShellCommand {
    private static final Duration PIPE_GRACE = Duration.ofSeconds(2);

    private ShellCommand() {
    }

    /** {@code exitCode} is empty when the command was killed at the time limit. */
    public record Result(String command, java.util.OptionalInt exitCode, String output, long elapsedMs) {
        public boolean succeeded() {
            return exitCode.isPresent() && exitCode.getAsInt() == 0;
        }

        public String describe() {
            String how = exitCode.isPresent() ? "exited " + exitCode.getAsInt() : "timed out after " + elapsedMs + "ms";
            String out = output.strip();
            return "command '" + command + "' " + how + (out.isEmpty() ? " with no output" : ", output:\n" + out);
        }
    }

    public static Result run(String command, Path directory, Duration timeout) throws IOException {
        return run(command, directory, Map.of(), timeout);
    }

    /** {@code env} is added to rolld's own environment for this command. */
    public static Result run(String command, Path directory, Map<String, String> env, Duration timeout) throws IOException {
        CommandLine line = new CommandLine("/bin/sh").addArgument("-c").addArgument(command, false);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        TreeWatchdog watchdog = new TreeWatchdog(timeout);
        DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(directory.toFile()).get();
        PumpStreamHandler streams = new PumpStreamHandler(output);
        // A command may leave a background child holding its output pipe; stop reading soon after it exits.
        streams.setStopTimeout(PIPE_GRACE);
        executor.setStreamHandler(streams);
        executor.setWatchdog(watchdog);
        executor.setExitValues(null); // every exit code is an answer, not an exception
        long start = System.nanoTime();
        int code;
        try {
            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.putAll(env);
            code = executor.execute(line, environment);
        } catch (ExecuteException e) {
            code = e.getExitValue();
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        String text = output.toString(StandardCharsets.UTF_8);
        return new Result(command, watchdog.timedOut() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(code),
                text, elapsed);
    }

    /** At the time limit, kills what the command forked too: killing only the shell would leave them behind. */
    private static final class TreeWatchdog extends ExecuteWatchdog {
        private Process process;
        /**
         * Set before anything is killed: commons-exec's own killedProcess() flag is set only after
         * the kill, so a caller woken by the process's death could still read false.
         */
        private volatile boolean timedOut;

        TreeWatchdog(Duration timeout) {
            super(timeout.toMillis());
        }

        @Override
        public synchronized void start(Process processToMonitor) {
            this.process = processToMonitor;
            super.start(processToMonitor);
        }

        @Override
        public synchronized void timeoutOccured(org.apache.commons.exec.Watchdog w) {
            timedOut = true;
            if (process != null) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            }
            super.timeoutOccured(w);
        }

        boolean timedOut() {
            return timedOut;
        }
    }
}
