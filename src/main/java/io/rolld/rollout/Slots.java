package io.rolld.rollout;

import io.rolld.config.HeldSockets;
import io.rolld.os.HeldSocketSet;
import io.rolld.process.Worker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What a slot of a group is, by mode: a port of the workset, where its worker binds itself, or a
 * worker number (1..workers) whose worker inherits the sockets rolld holds.
 */
sealed interface Slots permits Slots.Ports, Slots.Held {

    /** The port a worker of {@code slot} reports. */
    int portOf(int slot);

    /** The slot of the worker at {@code index} of a set started in these slots. */
    int slotOf(int index, Worker w);

    /** The descriptors a worker holds the held sockets on (3, 4, ...); empty for workers on their own port. */
    List<Integer> heldFds();

    /** "port 8001" or "worker 2", for messages. */
    String describe(int slot);

    /** The variables that tell the worker of {@code slot} where it serves. */
    Map<String, String> environment(int slot, long generation);

    /** rolld's descriptors a worker inherits (the held sockets); none for workers on their own port. */
    List<Integer> passedFds();

    /** Load-balancer mode: the slot is the port, bound by the worker itself. */
    record Ports() implements Slots {
        @Override
        public int portOf(int slot) {
            return slot;
        }

        @Override
        public int slotOf(int index, Worker w) {
            return w.port();
        }

        @Override
        public List<Integer> heldFds() {
            return List.of();
        }

        @Override
        public String describe(int slot) {
            return "port " + slot;
        }

        @Override
        public Map<String, String> environment(int slot, long generation) {
            return Map.of("ROLLD_PORT", Integer.toString(slot));
        }

        @Override
        public List<Integer> passedFds() {
            return List.of();
        }
    }

    /**
     * Held-socket mode: every worker inherits {@code sockets} by both protocols (systemd's and
     * Server::Starter's); its port is the first held TCP port.
     */
    record Held(HeldSockets config, HeldSocketSet sockets) implements Slots {
        @Override
        public int portOf(int slot) {
            return sockets.ports().stream().filter(p -> p != 0).findFirst().orElse(0);
        }

        @Override
        public int slotOf(int index, Worker w) {
            return index + 1;
        }

        @Override
        public List<Integer> heldFds() {
            return IntStream.range(0, sockets.fds().size()).mapToObj(i -> HeldSocketSet.FIRST_FD + i).toList();
        }

        @Override
        public String describe(int slot) {
            return "worker " + slot;
        }

        @Override
        public Map<String, String> environment(int slot, long generation) {
            Map<String, String> env = new HashMap<>(sockets.environment(generation));
            env.put("ROLLD_WORKER", Integer.toString(slot));
            return env;
        }

        @Override
        public List<Integer> passedFds() {
            return sockets.fds();
        }
    }
}
