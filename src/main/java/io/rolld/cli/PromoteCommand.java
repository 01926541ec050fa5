package io.rolld.cli;

import io.rolld.control.Request;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code rolld promote GROUP}: end the current bake or canary pause now. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"End the current bake or canary pause of GROUP's rollout now, whoever started it:",
                "the rollout goes on to its next step (or drains and stops the old set after the last)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the rollout took it",
                "3:rolld is not running",
                "5:no such group",
                "7:rolld refused or answered something unexpected",
                "10:the group has no rollout in progress",
                "11:the rollout is not in a bake or a canary pause (it starts, checks, switches, drains or stops)"})
final class PromoteCommand implements Callable<Integer> {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    ControlTarget target;

    @Parameters(paramLabel = "GROUP", description = "the group whose rollout to promote")
    String group;

    @Override
    public Integer call() throws IOException, InterruptedException {
        return SteerRequest.send(target, new Request.Promote(group), "promote", group, ANSWER_TIMEOUT);
    }
}
