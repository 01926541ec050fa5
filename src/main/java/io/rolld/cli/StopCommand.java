package io.rolld.cli;

import io.rolld.daemon.ControlProtocol;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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
            client.send(ControlProtocol.request(ControlProtocol.OP_STOP));
            Optional<Map<String, Object>> answer = client.next(deadline);
            if (answer.isEmpty() || ControlClient.isEnd(answer.get()) || !"stopping".equals(answer.get().get("type"))) {
                return answer.filter(a -> "error".equals(a.get("type"))).map(ControlTarget::refused)
                        .orElseGet(() -> ControlTarget.unexpected("no answer to stop: " + answer.orElse(Map.of())));
            }
            Object pid = answer.get().get("pid");
            System.out.println("rolld pid " + pid + " is stopping");
            if (!wait) {
                return ExitCodes.OK;
            }
            // The daemon keeps this connection open until its process ends.
            for (Optional<Map<String, Object>> next = client.next(deadline); ; next = client.next(deadline)) {
                if (next.isEmpty()) {
                    System.out.println("rolld pid " + pid + " still running after " + timeout);
                    return ExitCodes.TIMEOUT;
                }
                if (ControlClient.isEnd(next.get())) {
                    break;
                }
            }
            awaitExit(((Number) pid).longValue(), deadline);
            System.out.println("rolld pid " + pid + " has stopped");
            return ExitCodes.OK;
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
