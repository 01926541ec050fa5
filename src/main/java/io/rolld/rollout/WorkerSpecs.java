package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.Placeholders;
import io.rolld.config.RunAs;
import io.rolld.config.ShellWords;
import io.rolld.process.Envdir;
import io.rolld.process.Listeners;
import io.rolld.process.WorkerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a group's configuration into the launch spec of the worker on one port. {@code env} is
 * fixed when a rollout starts (the group's {@code env} plus its envdir as read then), so a worker
 * respawned later gets the environment of its generation, not a newer one.
 */
record WorkerSpecs(GroupConfig group, Map<String, String> env) {
    WorkerSpecs {
        env = Map.copyOf(env);
    }

    /** Reads the envdir, if the group has one. */
    static WorkerSpecs load(GroupConfig group) throws IOException {
        var envdir = group.supervision().envdir();
        return new WorkerSpecs(group, envdir.isPresent() ? Envdir.overlay(group.env(), envdir.get()) : group.env());
    }

    WorkerSpec forPort(int port, long generation) {
        Map<String, String> all = new HashMap<>(env);
        all.put("ROLLD_GROUP", group.name());
        all.put("ROLLD_GENERATION", Long.toString(generation));
        all.put("ROLLD_PORT", Integer.toString(port));
        return new WorkerSpec(port,
                argv(group, port),
                group.directory(),
                all,
                group.stdout().map(t -> group.directory().resolve(Placeholders.expand(t, port))),
                group.stderr().map(t -> group.directory().resolve(Placeholders.expand(t, port))));
    }

    /**
     * A worker of a held-socket group: {@code {numproc}} is its slot (1..workers), so log files
     * stay per worker; its environment carries both inheritance protocols and, for the notify
     * rule, {@code NOTIFY_SOCKET}. Its port is the first held TCP port.
     */
    static WorkerSpec forHeldSlot(GroupConfig group, int slot, long generation, Listeners sockets, Optional<Path> notifySocket) {
        Map<String, String> env = new HashMap<>(group.env());
        env.put("ROLLD_GROUP", group.name());
        env.put("ROLLD_GENERATION", Long.toString(generation));
        env.put("ROLLD_WORKER", Integer.toString(slot));
        env.putAll(sockets.environment(generation));
        notifySocket.ifPresent(p -> env.put("NOTIFY_SOCKET", p.toString()));
        int port = sockets.ports().stream().filter(p -> p != 0).findFirst().orElse(0);
        return new WorkerSpec(port,
                argv(group, slot),
                group.directory(),
                env,
                group.stdout().map(t -> group.directory().resolve(Placeholders.expand(t, slot))),
                group.stderr().map(t -> group.directory().resolve(Placeholders.expand(t, slot))));
    }

    /** The command split like a shell would, behind setpriv when the group names a user or group. */
    private static List<String> argv(GroupConfig group, int numproc) {
        List<String> argv = new ArrayList<>(group.runAs().map(RunAs::prefix).orElse(List.of()));
        argv.addAll(ShellWords.split(Placeholders.expand(group.cmd(), numproc)));
        return argv;
    }
}
