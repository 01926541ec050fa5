package io.rolld.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.control.Answer;
import io.rolld.control.Request;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rolld history}: the last rollouts, with what each generation ran. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"List the last rollouts of GROUP (of every group when none is named), oldest first: generation,",
                "when it started, trigger, release (the directory it ran, symlinks resolved), result, duration and",
                "the reason of a rollback. Kept across rolld's restarts and re-execs (the history file beside the state file)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:listed",
                "3:rolld is not running",
                "5:no such group",
                "7:rolld answered something unexpected"})
final class HistoryCommand implements Callable<Integer> {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    @Mixin
    ControlTarget target;

    @Parameters(paramLabel = "GROUP", arity = "0..1", description = "the group (default: every group)")
    String group;

    @Option(names = "-n", paramLabel = "N", defaultValue = "10", description = "how many rollouts (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--json", description = "print the records as one JSON array")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        try (ControlClient client = target.connect()) {
            client.send(new Request.History(limit, Optional.ofNullable(group)));
            return switch (client.next(ControlClient.deadline(ANSWER_TIMEOUT))) {
                case ControlClient.Received.Answered(Answer.History(List<Map<String, Object>> records)) -> {
                    System.out.println(json ? JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(records) : HistoryText.render(records));
                    yield ExitCodes.OK;
                }
                case ControlClient.Received.Answered(Answer.Error e) -> ControlTarget.refused(e);
                case ControlClient.Received.Answered(Answer a) -> ControlTarget.unexpected("unexpected answer: " + a.line());
                case ControlClient.Received.Closed _, ControlClient.Received.TimedOut _ ->
                        ControlTarget.unexpected("no history from rolld within " + ANSWER_TIMEOUT.toSeconds() + " s");
            };
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        }
    }
}
