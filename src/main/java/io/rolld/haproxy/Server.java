package io.rolld.haproxy;

/**
 * One server of a backend as {@code show servers state} reads it.
 *
 * @param running HAProxy's operational state is "running" ({@code srv_op_state} 2): with health
 *                checks, a server set ready is not running before its checks pass
 */
public record Server(String name, String address, int port, int weight, AdminState state, boolean running) {
    /** The address rolld's workers serve on (the smoke tests probe it), so the one rolld points servers at. */
    public static final String WORKER_ADDRESS = "127.0.0.1";

    /** Points at a worker's port. */
    public boolean isWorker(int workerPort) {
        return address.equals(WORKER_ADDRESS) && port == workerPort;
    }

    /** {@code 127.0.0.1:8001 weight 1 ready}, for messages. */
    public String describe() {
        return address + ":" + port + " weight " + weight + " " + state.word() + (running || state != AdminState.READY ? "" : " (not running yet)");
    }
}
