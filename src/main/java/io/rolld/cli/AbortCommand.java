package io.rolld.cli;

import io.rolld.control.Request;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rolld abort GROUP}: switch back to the old set now. */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = {"Roll GROUP's rollout back now, whoever started it: while it starts, checks, bakes or pauses on a",
                "canary step (while it switches: once the running hook ends). The front's files are restored and",
                "its hooks re-run, then the new set is stopped. Waits until the rollback is done and prints the",
                "rollout's result. Once the old set drains or stops it is too late."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:rolled back; the old set serves",
                "1:too late: the rollout had already ended its bake and the new set serves",
                "3:rolld is not running",
                "4:--timeout passed before the rollback ended (see rolld status)",
                "5:no such group",
                "7:rolld refused or answered something unexpected",
                "10:the group has no rollout in progress",
                "12:too late: the old set drains or stops already, the new set serves"})
final class AbortCommand implements Callable<Integer> {
    @Mixin
    ControlTarget target;

    @Parameters(paramLabel = "GROUP", description = "the group whose rollout to abort")
    String group;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "give up waiting for the rollback after this long (default: ${DEFAULT-VALUE})")
    DurationOption timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        return SteerRequest.send(target, new Request.Abort(group), "abort", group, timeout.value());
    }
}
