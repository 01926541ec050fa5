package io.rolld.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.control.Answer;
import io.rolld.control.Request;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rolld status}: what the daemon runs right now. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show every group: state, generation, active ports; each worker's pid, port, uptime, RSS "
                + "and established connections; the last rollout's result, reason and duration."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every group is serving",
                "1:a group is degraded (a worker died) or still starting",
                "2:the -c file cannot be read",
                "3:rolld is not running",
                "7:rolld answered something unexpected"})
final class StatusCommand implements Callable<Integer> {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    @Mixin
    ControlTarget target;

    @Option(names = "--json", description = "print the status as one JSON document (the state file's format)")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        try (ControlClient client = target.connect()) {
            client.send(new Request.Status());
            return switch (client.next(ControlClient.deadline(ANSWER_TIMEOUT))) {
                case ControlClient.Received.Answered(Answer.Status(Map<String, Object> report)) -> {
                    System.out.println(json ? JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(report) : StatusText.render(report));
                    yield groups(report).stream().allMatch(g -> "serving".equals(g.get("state"))) ? ExitCodes.OK : ExitCodes.FAILED;
                }
                case ControlClient.Received.Answered(Answer.Error e) -> ControlTarget.refused(e);
                case ControlClient.Received.Answered(Answer a) -> ControlTarget.unexpected("unexpected answer: " + a.line());
                case ControlClient.Received.Closed _, ControlClient.Received.TimedOut _ ->
                        ControlTarget.unexpected("no status from rolld within " + ANSWER_TIMEOUT.toSeconds() + " s");
            };
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> groups(Map<?, ?> report) {
        return report.get("groups") instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }
}
