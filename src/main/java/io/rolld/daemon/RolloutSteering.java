package io.rolld.daemon;

import io.rolld.control.ErrorCode;
import io.rolld.rollout.Group;
import io.rolld.rollout.Steering;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rolld promote GROUP} and {@code rolld abort GROUP}: finds the group and hands the command
 * to its rollout in progress, or refuses with a {@link ErrorCode} saying why not.
 */
final class RolloutSteering {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");

    private final Supplier<List<Group>> groups;

    RolloutSteering(Supplier<List<Group>> groups) {
        this.groups = groups;
    }

    /** The command as the rollout took it; {@link ControlSession.Refused} when there is nothing to act on. */
    Steering.Answer.Taken steer(String name, Steering.Command command) {
        List<Group> all = groups.get();
        Group group = all.stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new ControlSession.Refused(ErrorCode.NO_SUCH_GROUP, "no such group: " + name
                        + " (groups: " + all.stream().map(Group::name).collect(Collectors.joining(", ")) + ")"));
        return switch (group.steer(command)) {
            case Steering.Answer.Taken t -> {
                LOG.info("{}", Logfmt.event(command.label() + "_requested").kv("group", name).kv("step", t.step())
                        .kv("via", "control socket").kv("action", command == Steering.Command.PROMOTE
                                ? "ending the " + t.step() + " now" : "rolling back to the old set now"));
                yield t;
            }
            case Steering.Answer.NoRollout n -> throw new ControlSession.Refused(ErrorCode.NO_ROLLOUT,
                    "group " + name + " has no rollout in progress: nothing to " + command.label()
                            + " (hint: rolld restart " + name + " starts one)");
            case Steering.Answer.NotHolding n -> throw new ControlSession.Refused(ErrorCode.NOT_BAKING,
                    "group " + name + " is in " + group.status().phase() + ", not in a bake or a canary pause: " + command.label()
                            + " acts on those (hint: rolld status shows the rollout's phase; try again once it bakes)");
            case Steering.Answer.TooLate t -> throw new ControlSession.Refused(ErrorCode.TOO_LATE,
                    "group " + name + " is in " + t.phase() + ": too late to abort, the old set is being stopped and the new set serves"
                            + " (hint: rolld rollback " + name + " rolls out the previous generation again)");
        };
    }
}
