package io.rolld.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.daemon.ControlProtocol;
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
            ControlProtocol.Message request = ControlProtocol.request(ControlProtocol.OP_HISTORY).with("limit", limit);
            if (group != null) {
                request.with("group", group);
            }
            client.send(request);
            Optional<Map<String, Object>> answer = client.next(ControlClient.deadline(ANSWER_TIMEOUT));
            if (answer.isEmpty() || ControlClient.isEnd(answer.get())) {
                return ControlTarget.unexpected("no history from rolld within " + ANSWER_TIMEOUT.toSeconds() + " s");
            }
            if ("error".equals(answer.get().get("type"))) {
                return ControlTarget.refused(answer.get());
            }
            if (!(answer.get().get("records") instanceof List<?> records)) {
                return ControlTarget.unexpected("unexpected answer: " + answer.get());
            }
            System.out.println(json ? JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(records) : HistoryText.render(records));
            return ExitCodes.OK;
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        }
    }
}
