package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.Placeholders;
import io.rolld.config.ShellWords;
import io.rolld.process.Envdir;
import io.rolld.process.Spawner;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a group's workers, each in its slot ({@link Slots}: its port in load-balancer mode, its
 * worker number sharing the held sockets in held-socket mode). {@code env} is fixed when a rollout
 * starts (the group's {@code env} plus its envdir as read then), so a worker respawned or replaced
 * later gets the environment of its generation, not a newer one.
 */
record WorkerSpecs(GroupConfig group, Map<String, String> env, Slots slots, Spawner spawner) {
    WorkerSpecs {
        env = Map.copyOf(env);
    }

    /** Reads the envdir, if the group has one. */
    static WorkerSpecs load(GroupConfig group, Slots slots, Spawner spawner) throws IOException {
        var envdir = group.supervision().envdir();
        return new WorkerSpecs(group, envdir.isPresent() ? Envdir.overlay(group.env(), envdir.get()) : group.env(), slots, spawner);
    }

    /**
     * Starts the worker of {@code slot}: {@code {numproc}} in its command and log files is the
     * slot, so log files stay per worker. {@code notifySocket} (held-socket mode) is where it
     * reports {@code READY=1}, when someone waits for it.
     */
    Worker spawn(int slot, long generation, Optional<Path> notifySocket) throws IOException {
        Map<String, String> all = new HashMap<>(env);
        all.put("ROLLD_GROUP", group.name());
        all.put("ROLLD_GENERATION", Long.toString(generation));
        all.putAll(slots.environment(slot, generation));
        notifySocket.ifPresent(p -> all.put("NOTIFY_SOCKET", p.toString()));
        return spawner.spawn(new WorkerSpec(slots.portOf(slot),
                argv(group, slot),
                group.directory(),
                all,
                group.stdout().map(t -> group.directory().resolve(Placeholders.expand(t, slot))),
                stderrOf(group, slot), group.runAs()), slots.passedFds());
    }

    /** The slot of the worker at {@code index} of a set these specs started. */
    int slotOf(int index, Worker w) {
        return slots.slotOf(index, w);
    }

    /** The port a worker of {@code slot} reports. */
    int portOf(int slot) {
        return slots.portOf(slot);
    }

    /** Held-socket mode: the descriptors every worker holds the held sockets on (3, 4, ...); empty otherwise. */
    List<Integer> heldFds() {
        return slots.heldFds();
    }

    /** The stderr file of the worker in {@code slot} ({@code {numproc}} is the slot). */
    static Optional<Path> stderrOf(GroupConfig group, int slot) {
        return group.stderr().map(t -> group.directory().resolve(Placeholders.expand(t, slot)));
    }

    /** "port 8001" or "worker 2", for messages. */
    String describe(int slot) {
        return slots.describe(slot);
    }

    /** The command split like a shell would (the spawner puts setpriv before it for {@code user:}). */
    private static List<String> argv(GroupConfig group, int numproc) {
        return ShellWords.split(Placeholders.expand(group.cmd(), numproc));
    }
}
