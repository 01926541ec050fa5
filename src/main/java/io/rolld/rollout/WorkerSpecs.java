package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.Placeholders;
import io.rolld.config.RunAs;
import io.rolld.config.ShellWords;
import io.rolld.os.InheritedSockets;
import io.rolld.process.Envdir;
import io.rolld.process.NativeSpawn;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Starts a group's workers, each in its slot: its port in load-balancer mode, its worker number
 * (1..workers) sharing {@code sockets} in held-socket mode. {@code env} is fixed when a rollout
 * starts (the group's {@code env} plus its envdir as read then), so a worker respawned or replaced
 * later gets the environment of its generation, not a newer one.
 */
record WorkerSpecs(GroupConfig group, Map<String, String> env, Optional<InheritedSockets> sockets) {
    WorkerSpecs {
        env = Map.copyOf(env);
    }

    /** Reads the envdir, if the group has one; {@code sockets} are the held ones in held-socket mode. */
    static WorkerSpecs load(GroupConfig group, Optional<InheritedSockets> sockets) throws IOException {
        var envdir = group.supervision().envdir();
        return new WorkerSpecs(group, envdir.isPresent() ? Envdir.overlay(group.env(), envdir.get()) : group.env(), sockets);
    }

    /**
     * Starts the worker of {@code slot}; {@code notifySocket} (held-socket mode) is where it
     * reports {@code READY=1}, when someone waits for it.
     */
    Worker spawn(int slot, long generation, Optional<Path> notifySocket) throws IOException {
        if (sockets.isPresent()) {
            return NativeSpawn.spawn(forHeldSlot(slot, generation, sockets.get(), notifySocket), sockets.get().fds());
        }
        return Worker.spawn(forPort(slot, generation));
    }

    /** The slot of the worker at {@code index} of a set these specs started. */
    int slotOf(int index, Worker w) {
        return sockets.isPresent() ? index + 1 : w.port();
    }

    /** The port a worker of {@code slot} reports: the slot itself, or the first held TCP port in held-socket mode. */
    int portOf(int slot) {
        return sockets.map(s -> s.ports().stream().filter(p -> p != 0).findFirst().orElse(0)).orElse(slot);
    }

    /** Held-socket mode: the descriptors every worker holds the held sockets on (3, 4, ...); empty otherwise. */
    List<Integer> heldFds() {
        return sockets.map(s -> IntStream.range(0, s.fds().size()).mapToObj(i -> InheritedSockets.FIRST_FD + i).toList())
                .orElse(List.of());
    }

    /** The stderr file of the worker in {@code slot} ({@code {numproc}} is the slot). */
    static Optional<Path> stderrOf(GroupConfig group, int slot) {
        return group.stderr().map(t -> group.directory().resolve(Placeholders.expand(t, slot)));
    }

    /** "port 8001" or "worker 2", for messages. */
    String describe(int slot) {
        return (sockets.isPresent() ? "worker " : "port ") + slot;
    }

    private WorkerSpec forPort(int port, long generation) {
        Map<String, String> all = new HashMap<>(env);
        all.put("ROLLD_GROUP", group.name());
        all.put("ROLLD_GENERATION", Long.toString(generation));
        all.put("ROLLD_PORT", Integer.toString(port));
        return new WorkerSpec(port,
                argv(group, port),
                group.directory(),
                all,
                group.stdout().map(t -> group.directory().resolve(Placeholders.expand(t, port))),
                stderrOf(group, port));
    }

    /**
     * A worker of a held-socket group: {@code {numproc}} is its slot (1..workers), so log files
     * stay per worker; its environment carries both inheritance protocols and, for the notify
     * rule, {@code NOTIFY_SOCKET}. Its port is the first held TCP port.
     */
    private WorkerSpec forHeldSlot(int slot, long generation, InheritedSockets sockets, Optional<Path> notifySocket) {
        Map<String, String> env = new HashMap<>(this.env);
        env.put("ROLLD_GROUP", group.name());
        env.put("ROLLD_GENERATION", Long.toString(generation));
        env.put("ROLLD_WORKER", Integer.toString(slot));
        env.putAll(sockets.environment(generation));
        notifySocket.ifPresent(p -> env.put("NOTIFY_SOCKET", p.toString()));
        return new WorkerSpec(portOf(slot),
                argv(group, slot),
                group.directory(),
                env,
                group.stdout().map(t -> group.directory().resolve(Placeholders.expand(t, slot))),
                stderrOf(group, slot));
    }

    /** The command split like a shell would, behind setpriv when the group names a user or group. */
    private static List<String> argv(GroupConfig group, int numproc) {
        List<String> argv = new ArrayList<>(group.runAs().map(RunAs::prefix).orElse(List.of()));
        argv.addAll(ShellWords.split(Placeholders.expand(group.cmd(), numproc)));
        return argv;
    }
}
