package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.Placeholders;
import io.rolld.config.ShellWords;
import io.rolld.process.Envdir;
import io.rolld.process.Release;
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
 * worker number sharing the held sockets in held-socket mode). The {@link Release} is fixed when a
 * rollout starts (the directory and program resolved through symlinks, the group's {@code env} plus
 * its envdir as read then), so a worker respawned or replaced later runs the code and gets the
 * environment of its generation, not newer ones.
 */
record WorkerSpecs(GroupConfig group, Release release, Slots slots, Spawner spawner) {

    /** Resolves the group's directory and program through symlinks and reads the envdir, if the group has one. */
    static WorkerSpecs load(GroupConfig group, Slots slots, Spawner spawner) throws IOException {
        var envdir = group.supervision().envdir();
        Map<String, String> env;
        try {
            env = envdir.isPresent() ? Envdir.overlay(group.env(), envdir.get()) : group.env();
        } catch (IOException e) {
            throw new IOException("cannot read the envdir: " + e.getMessage(), e);
        }
        try {
            return new WorkerSpecs(group, Release.resolve(group.directory(), group.cmd(), env), slots, spawner);
        } catch (IOException e) {
            throw new IOException("cannot resolve the directory " + group.directory() + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "it (or a symlink's target) does not exist" : e.toString()), e);
        }
    }

    /**
     * Starts the worker of {@code slot}: {@code {numproc}} in its command and log files is the
     * slot, so log files stay per worker. {@code notifySocket} (held-socket mode) is where it
     * reports {@code READY=1}, when someone waits for it.
     */
    Worker spawn(int slot, long generation, Optional<Path> notifySocket) throws IOException {
        Map<String, String> all = new HashMap<>(release.env());
        all.put("ROLLD_GROUP", group.name());
        all.put("ROLLD_GENERATION", Long.toString(generation));
        all.putAll(slots.environment(slot, generation));
        notifySocket.ifPresent(p -> all.put("NOTIFY_SOCKET", p.toString()));
        group.supervision().watchdog().ifPresent(interval -> {
            // Every worker of a watchdog group pings the group's socket, respawned ones too (systemd's WatchdogSec=).
            all.put("NOTIFY_SOCKET", WatchdogSocket.path(group.name()).toString());
            all.put("WATCHDOG_USEC", Long.toString(interval.toNanos() / 1_000));
        });
        return spawner.spawn(new WorkerSpec(slots.portOf(slot),
                argv(slot),
                release.directory(),
                all,
                group.stdout().map(t -> release.directory().resolve(Placeholders.expand(t, slot))),
                group.stderr().map(t -> release.directory().resolve(Placeholders.expand(t, slot))), group.runAs()), slots.passedFds());
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

    /** The release's command split like a shell would (the spawner puts setpriv before it for {@code user:}). */
    private List<String> argv(int numproc) {
        return ShellWords.split(Placeholders.expand(release.cmd(), numproc));
    }
}
