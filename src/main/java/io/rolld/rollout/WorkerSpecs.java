package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.Placeholders;
import io.rolld.config.ShellWords;
import io.rolld.process.WorkerSpec;
import java.util.HashMap;
import java.util.Map;

/** Turns a group's configuration into the launch spec of the worker on one port. */
final class WorkerSpecs {
    private WorkerSpecs() {
    }

    static WorkerSpec forPort(GroupConfig group, int port, long generation) {
        Map<String, String> env = new HashMap<>(group.env());
        env.put("ROLLD_GROUP", group.name());
        env.put("ROLLD_GENERATION", Long.toString(generation));
        env.put("ROLLD_PORT", Integer.toString(port));
        return new WorkerSpec(port,
                ShellWords.split(Placeholders.expand(group.cmd(), port)),
                group.directory(),
                env,
                group.stdout().map(t -> group.directory().resolve(Placeholders.expand(t, port))),
                group.stderr().map(t -> group.directory().resolve(Placeholders.expand(t, port))));
    }
}
