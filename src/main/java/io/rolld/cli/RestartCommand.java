package io.rolld.cli;

import io.rolld.daemon.ControlProtocol;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rolld restart}: the CI deploy step. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {
                "Roll the named groups (all when none is named) to a new generation, re-reading rolld.yml first.",
                "A request made while a rollout runs is served by the next rollout, which starts when it ends.",
                "With --wait, print each state transition as it happens and exit with the outcome."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:requested (without --wait), or every group's rollout succeeded",
                "1:a rollout was rolled back; the old workers keep serving (reason and output are printed)",
                "2:rolld.yml is invalid now; nothing was changed",
                "3:rolld is not running",
                "4:--timeout passed; the rollout goes on in rolld (see rolld status)",
                "5:no such group",
                "7:rolld refused (it is shutting down) or closed the connection"})
final class RestartCommand implements Callable<Integer> {
    static final String DEFAULT_TIMEOUT = "10m";

    @Mixin
    ControlTarget target;

    @Parameters(paramLabel = "GROUP", arity = "0..*", description = "groups to roll (default: every group)")
    List<String> groups = List.of();

    @Option(names = "--wait", description = "stream the transitions and wait for the outcome")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = DEFAULT_TIMEOUT,
            description = "with --wait: give up waiting after this long, e.g. 90s, 5m (default: ${DEFAULT-VALUE})")
    DurationOption timeout;

    @Option(names = "--json", description = "end with one JSON object on stdout (result, group, generation, reason, "
            + "elapsed_ms, groups); the progress lines go to stderr")
    boolean json;

    private PrintStream progress;
    private RestartReport report;

    @Override
    public Integer call() throws IOException, InterruptedException {
        return run(ControlProtocol.request(ControlProtocol.OP_RESTART).with("groups", groups));
    }

    /** Sends {@code request} (a restart, or a rollback of {@link #groups}' one group) and follows its rollouts. */
    int run(ControlProtocol.Message request) throws IOException, InterruptedException {
        progress = json ? System.err : System.out;
        report = new RestartReport(wait);
        int exit = send(request.with("wait", wait));
        if (json) {
            System.out.println(report.json(exit));
        }
        return exit;
    }

    private int send(ControlProtocol.Message request) throws IOException, InterruptedException {
        Duration limit = timeout.value();
        long deadline = ControlClient.deadline(limit);
        try (ControlClient client = target.connect()) {
            client.send(request);
            return follow(client, deadline);
        } catch (ControlTarget.Failed e) {
            report.failed(e.getMessage().replaceFirst("^rolld: ", ""));
            return e.exitCode;
        }
    }

    private int follow(ControlClient client, long deadline) throws InterruptedException {
        Map<String, String> outcomes = new HashMap<>();
        Map<String, String> lastState = new HashMap<>();
        List<String> requested = groups;
        while (true) {
            Optional<Map<String, Object>> next = client.next(deadline);
            if (next.isEmpty()) {
                List<String> waiting = requested.stream().filter(g -> !outcomes.containsKey(g)).toList();
                waiting.forEach(g -> progress.println(g + ": TIMEOUT after " + timeout + " (last state "
                        + lastState.getOrDefault(g, "queued") + "); the rollout goes on in rolld, see rolld status"));
                report.timedOut("timed out after " + timeout + " waiting for " + String.join(", ", waiting)
                        + "; the rollout goes on in rolld", lastState);
                return ExitCodes.TIMEOUT;
            }
            Map<String, Object> m = next.get();
            if (ControlClient.isEnd(m)) {
                String what = "rolld closed the connection before every rollout finished";
                report.failed(what);
                return ControlTarget.unexpected(what);
            }
            switch (String.valueOf(m.get("type"))) {
                case "error" -> {
                    report.failed(String.valueOf(m.get("message")));
                    return ControlTarget.refused(m);
                }
                case "accepted" -> {
                    if (m.get("groups") instanceof List<?> l) {
                        requested = l.stream().map(String::valueOf).toList();
                    }
                    report.accepted(requested);
                    progress.println(m.getOrDefault("op", "restart") + " requested: " + String.join(", ", requested));
                    if (!wait) {
                        return ExitCodes.OK;
                    }
                }
                case "transition" -> {
                    lastState.put(String.valueOf(m.get("group")), String.valueOf(m.get("state")));
                    progress.println(RolloutLines.transition(m));
                }
                case "result" -> {
                    String group = String.valueOf(m.get("group"));
                    outcomes.put(group, String.valueOf(m.get("outcome")));
                    report.result(m);
                    progress.println(group + " " + RolloutLines.result(m));
                    if (m.get("detail") instanceof String detail && !detail.isBlank()) {
                        progress.println(detail.strip().indent(4).stripTrailing());
                    }
                }
                case "done" -> {
                    return outcomes.values().stream().allMatch("succeeded"::equals) ? ExitCodes.OK : ExitCodes.FAILED;
                }
                case "rollout_step" -> progress.println(m.get("group") + " gen " + m.get("generation") + " " + m.get("step")
                        + ": new set at " + m.get("weight") + "% of the weight, watched for " + m.get("duration_ms")
                        + " ms with the old set running (rolld promote / rolld abort " + m.get("group") + ")");
                case "gap" -> progress.println(m.get("group") + " gen " + m.get("generation") + " no worker served for " + m.get("ms")
                        + " ms (strategy: recreate; connections waited in the held socket's queue)");
                case "drain_timeout" -> progress.println(m.get("group") + " gen " + m.get("generation")
                        + " drain timed out with " + m.get("connections") + " connection(s) left; stopping the old workers anyway");
                default -> {
                    // started, worker_started, worker_stopped: the transitions already tell the story
                }
            }
        }
    }
}
