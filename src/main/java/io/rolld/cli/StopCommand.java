package io.rolld.cli;

import io.rolld.control.Answer;
import io.rolld.control.Request;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rolld stop}: like TERM. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop rolld gracefully, like TERM: every worker gets its stop signal, then rolld exits.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:rolld is stopping (with --wait: has exited)",
                "3:rolld is not running",
                "4:--wait: rolld was still running at --timeout",
                "7:rolld answered something unexpected"})
final class StopCommand implements Callable<Integer> {
    static final String DEFAULT_TIMEOUT = "2m";

    @Mixin
    ControlTarget target;

    @Option(names = "--wait", description = "wait until rolld and its workers have exited")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = DEFAULT_TIMEOUT,
            description = "with --wait: give up after this long (default: ${DEFAULT-VALUE})")
    DurationOption timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Duration limit = timeout.value();
        long deadline = ControlClient.deadline(limit);
        try (ControlClient client = target.connect()) {
            client.send(new Request.Stop());
            long pid;
            switch (client.next(deadline)) {
                case ControlClient.Received.Answered(Answer.Stopping(long stopping)) -> pid = stopping;
                case ControlClient.Received.Answered(Answer.Error e) -> {
                    return ControlTarget.refused(e);
                }
                case ControlClient.Received.Answered(Answer a) -> {
                    return ControlTarget.unexpected("no answer to stop: " + a.line());
                }
                case ControlClient.Received.Closed _, ControlClient.Received.TimedOut _ -> {
                    return ControlTarget.unexpected("no answer to stop: {}");
                }
            }
            System.out.println("rolld pid " + pid + " is stopping");
            if (!wait) {
                return ExitCodes.OK;
            }
            // The daemon keeps this connection open until its process ends.
            while (true) {
                switch (client.next(deadline)) {
                    case ControlClient.Received.TimedOut _ -> {
                        System.out.println("rolld pid " + pid + " still running after " + timeout);
                        return ExitCodes.TIMEOUT;
                    }
                    case ControlClient.Received.Closed _ -> {
                        awaitExit(pid, deadline);
                        System.out.println("rolld pid " + pid + " has stopped");
                        return ExitCodes.OK;
                    }
                    case ControlClient.Received.Answered _ -> {
                        // nothing more is sent; the connection's end is the news
                    }
                }
            }
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        }
    }

    private static void awaitExit(long pid, long deadline) {
        ProcessHandle.of(pid).ifPresent(p -> {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // gone or the deadline passed; the connection already closed with the process
            }
        });
    }
}
