package io.rolld.cli;

import io.rolld.daemon.ControlProtocol;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
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
    @Mixin
    ControlTarget target;

    @Parameters(paramLabel = "GROUP", arity = "0..*", description = "groups to roll (default: every group)")
    List<String> groups = List.of();

    @Option(names = "--wait", description = "stream the transitions and wait for the outcome")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "with --wait: give up waiting after this long, e.g. 90s, 5m (default: ${DEFAULT-VALUE})")
    DurationOption timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Duration limit = timeout.value();
        long deadline = ControlClient.deadline(limit);
        try (ControlClient client = target.connect()) {
            client.send(ControlProtocol.request(ControlProtocol.OP_RESTART).with("groups", groups).with("wait", wait));
            return follow(client, deadline, limit);
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        }
    }

    private int follow(ControlClient client, long deadline, Duration limit) throws InterruptedException {
        Map<String, String> outcomes = new HashMap<>();
        Map<String, String> lastState = new HashMap<>();
        List<String> requested = groups;
        while (true) {
            Optional<Map<String, Object>> next = client.next(deadline);
            if (next.isEmpty()) {
                requested.stream().filter(g -> !outcomes.containsKey(g)).forEach(g -> System.out.println(g
                        + ": TIMEOUT after " + timeout + " (last state " + lastState.getOrDefault(g, "queued")
                        + "); the rollout goes on in rolld, see rolld status"));
                return ExitCodes.TIMEOUT;
            }
            Map<String, Object> m = next.get();
            if (ControlClient.isEnd(m)) {
                return ControlTarget.unexpected("rolld closed the connection before every rollout finished");
            }
            switch (String.valueOf(m.get("type"))) {
                case "error" -> {
                    return ControlTarget.refused(m);
                }
                case "accepted" -> {
                    if (m.get("groups") instanceof List<?> l) {
                        requested = l.stream().map(String::valueOf).toList();
                    }
                    System.out.println("restart requested: " + String.join(", ", requested));
                    if (!wait) {
                        return ExitCodes.OK;
                    }
                }
                case "transition" -> {
                    lastState.put(String.valueOf(m.get("group")), String.valueOf(m.get("state")));
                    System.out.println(RolloutLines.transition(m));
                }
                case "result" -> {
                    String group = String.valueOf(m.get("group"));
                    outcomes.put(group, String.valueOf(m.get("outcome")));
                    System.out.println(group + " " + RolloutLines.result(m));
                    if (m.get("detail") instanceof String detail && !detail.isBlank()) {
                        System.out.println(detail.strip().indent(4).stripTrailing());
                    }
                }
                case "done" -> {
                    return outcomes.values().stream().allMatch("succeeded"::equals) ? ExitCodes.OK : ExitCodes.FAILED;
                }
                case "drain_timeout" -> System.out.println(m.get("group") + " gen " + m.get("generation")
                        + " drain timed out with " + m.get("connections") + " connection(s) left; stopping the old workers anyway");
                default -> {
                    // started, worker_started, worker_stopped: the transitions already tell the story
                }
            }
        }
    }
}
