package io.rolld.cli;

import io.rolld.control.Answer;
import io.rolld.control.Request;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        return run(new Request.Restart(groups, wait));
    }

    /** Sends {@code request} (a restart, or a rollback of {@link #groups}' one group) and follows its rollouts. */
    int run(Request request) throws IOException, InterruptedException {
        progress = json ? System.err : System.out;
        report = new RestartReport(wait);
        int exit = send(request);
        if (json) {
            System.out.println(report.json(exit));
        }
        return exit;
    }

    private int send(Request request) throws IOException, InterruptedException {
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
            switch (client.next(deadline)) {
                case ControlClient.Received.TimedOut _ -> {
                    List<String> waiting = requested.stream().filter(g -> !outcomes.containsKey(g)).toList();
                    waiting.forEach(g -> progress.println(g + ": TIMEOUT after " + timeout + " (last state "
                            + lastState.getOrDefault(g, "queued") + "); the rollout goes on in rolld, see rolld status"));
                    report.timedOut("timed out after " + timeout + " waiting for " + String.join(", ", waiting)
                            + "; the rollout goes on in rolld", lastState);
                    return ExitCodes.TIMEOUT;
                }
                case ControlClient.Received.Closed _ -> {
                    String what = "rolld closed the connection before every rollout finished";
                    report.failed(what);
                    return ControlTarget.unexpected(what);
                }
                case ControlClient.Received.Answered(Answer answer) -> {
                    switch (answer) {
                        case Answer.Error e -> {
                            report.failed(e.message());
                            return ControlTarget.refused(e);
                        }
                        case Answer.Accepted a -> {
                            requested = a.groups();
                            report.accepted(requested);
                            progress.println(a.op() + " requested: " + String.join(", ", requested));
                            if (!wait) {
                                return ExitCodes.OK;
                            }
                        }
                        case Answer.Event e -> event(e, lastState);
                        case Answer.Result r -> {
                            outcomes.put(r.group(), r.outcomeName());
                            report.result(r);
                            progress.println(r.group() + " " + RolloutLines.result(r));
                            if (r.outcome() instanceof Answer.Result.Outcome.RolledBack b && !b.detail().isBlank()) {
                                progress.println(b.detail().strip().indent(4).stripTrailing());
                            }
                        }
                        case Answer.Done _ -> {
                            return outcomes.values().stream().allMatch("succeeded"::equals) ? ExitCodes.OK : ExitCodes.FAILED;
                        }
                        case Answer.SteerAccepted _, Answer.Stopping _, Answer.Reexecing _, Answer.Status _, Answer.History _,
                             Answer.Sources _, Answer.Line _, Answer.CaughtUp _, Answer.Dropped _ -> {
                            String what = "unexpected answer: " + answer.line();
                            report.failed(what);
                            return ControlTarget.unexpected(what);
                        }
                    }
                }
            }
        }
    }

    /** The events worth a line of their own; started, worker_started, worker_stopped: the transitions already tell the story. */
    private void event(Answer.Event e, Map<String, String> lastState) {
        switch (e.name()) {
            case "transition" -> {
                lastState.put(e.group(), e.text("state"));
                progress.println(RolloutLines.transition(e));
            }
            case "rollout_step" -> progress.println(e.group() + " gen " + e.text("generation") + " " + e.text("step")
                    + ": new set at " + e.text("weight") + "% of the weight, watched for " + e.text("duration_ms")
                    + " ms with the old set running (rolld promote / rolld abort " + e.group() + ")");
            case "gap" -> progress.println(e.group() + " gen " + e.text("generation") + " no worker served for " + e.text("ms")
                    + " ms (strategy: recreate; connections waited in the held socket's queue)");
            case "drain_timeout" -> progress.println(e.group() + " gen " + e.text("generation")
                    + " drain timed out with " + e.text("connections") + " connection(s) left; stopping the old workers anyway");
            default -> {
                // passed over, as a newer daemon's events are
            }
        }
    }
}
