package io.rolld.process;

import java.util.List;

/**
 * What rolld keeps about one worker it runs (in the workers file beside the state file), so that a
 * rolld started after this one died can find the worker again and tell it from a process that
 * reuses its pid.
 *
 * @param slot      the worker's port in load-balancer mode, its worker number in held-socket mode
 * @param startTime kernel start time of the process ({@link io.rolld.os.ProcessStartTime})
 * @param heldFds   held-socket mode: the worker's descriptor for each held socket, in configuration order
 */
public record WorkerRecord(String group, long generation, int slot, int port, long pid, long startTime,
                           List<Integer> heldFds) {
    public WorkerRecord {
        heldFds = List.copyOf(heldFds);
    }
}
