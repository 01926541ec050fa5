package io.rolld.cli;

import io.rolld.control.Request;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rolld rollback GROUP}: back to the release an earlier generation ran, through a normal rollout. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {
                "Roll GROUP out to what an earlier successful generation ran, as rolld recorded it: its release",
                "directory (symlinks resolved), cmd, env and envdir values: the generation --to names, the latest",
                "one that ran --release DIR, or else the latest successful generation before the serving one that",
                "ran something else. It is a normal rollout (smoke tests,",
                "bake, canary steps, rollback on failure) to a new generation number; rolld.yml is not re-read.",
                "Rollouts rolld starts by itself afterwards (memory, auto_restart) keep that release; the next HUP",
                "or rolld restart rolls out what rolld.yml points at again."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:requested (without --wait), or the rollback rollout succeeded",
                "1:the rollback rollout was itself rolled back; the serving workers keep serving",
                "3:rolld is not running",
                "4:--timeout passed; the rollout goes on in rolld (see rolld status)",
                "5:no such group",
                "7:rolld refused (it is shutting down) or closed the connection",
                "13:refused, nothing changed: nothing earlier to go back to, or its release directory no longer exists",
                "64:wrong usage (e.g. both --to and --release)"})
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    ControlTarget target;

    @Parameters(paramLabel = "GROUP", description = "the group to roll back")
    String group;

    @Option(names = "--to", paramLabel = "GENERATION", description = "the generation whose release to roll out (see rolld history)")
    Long to;

    @Option(names = "--release", paramLabel = "DIR", description = "the release directory to roll out, as an earlier "
            + "successful generation ran it (the latest such generation; symlinks in DIR are resolved)")
    String release;

    @Option(names = "--wait", description = "stream the transitions and wait for the outcome")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = RestartCommand.DEFAULT_TIMEOUT,
            description = "with --wait: give up waiting after this long, e.g. 90s, 5m (default: ${DEFAULT-VALUE})")
    DurationOption timeout;

    @Option(names = "--json", description = "end with one JSON object on stdout, as rolld restart --json")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (to != null && release != null) {
            System.err.println("rolld rollback: give --to GENERATION or --release DIR, not both");
            return ExitCodes.USAGE;
        }
        RestartCommand rollout = new RestartCommand();
        rollout.target = target;
        rollout.groups = List.of(group);
        rollout.wait = wait;
        rollout.timeout = timeout;
        rollout.json = json;
        Request.Rollback.Target target = to != null ? new Request.Rollback.Target.Generation(to)
                : release != null ? new Request.Rollback.Target.ReleaseDirectory(Path.of(release).toAbsolutePath())
                : new Request.Rollback.Target.Previous();
        return rollout.run(new Request.Rollback(group, target, wait));
    }
}
