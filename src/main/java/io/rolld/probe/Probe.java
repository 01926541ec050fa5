package io.rolld.probe;

/** One smoke test bound to its settings; checks a port once. Implementations are thread-safe. */
interface Probe extends AutoCloseable {
    ProbeResult check(String host, int port);

    @Override
    void close();
}
