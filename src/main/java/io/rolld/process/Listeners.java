package io.rolld.process;

import io.rolld.config.Listen;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The sockets one group holds, in configuration order: the i-th becomes fd 3+i in every worker.
 * Also speaks the two inheritance protocols, so servers written for either run unchanged.
 */
public final class Listeners implements AutoCloseable {
    /** The first inherited descriptor (SD_LISTEN_FDS_START). */
    public static final int FIRST_FD = 3;

    private final List<HeldSocket> sockets;

    private Listeners(List<HeldSocket> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /** Binds every address, or none: on a failure the ones already bound are closed again. */
    public static Listeners open(List<Listen> listen) throws IOException {
        List<HeldSocket> bound = new ArrayList<>();
        try {
            for (Listen l : listen) {
                bound.add(HeldSocket.bind(l));
            }
        } catch (IOException | RuntimeException e) {
            bound.forEach(HeldSocket::close);
            throw e;
        }
        return new Listeners(bound);
    }

    public List<HeldSocket> sockets() {
        return sockets;
    }

    /** rolld's descriptors, in the order workers receive them. */
    public List<Integer> fds() {
        return sockets.stream().map(HeldSocket::fd).toList();
    }

    /** The bound TCP ports, in order (0 for Unix sockets). */
    public List<Integer> ports() {
        return sockets.stream().map(HeldSocket::port).toList();
    }

    /**
     * systemd's {@code LISTEN_FDS}/{@code LISTEN_FDNAMES} and Server::Starter's
     * {@code SERVER_STARTER_PORT} ({@code host:port=fd;path=fd}) / {@code SERVER_STARTER_GENERATION}.
     * {@code LISTEN_PID} is set by the spawner, which alone knows the pid.
     */
    public Map<String, String> environment(long generation) {
        return Map.of(
                "LISTEN_FDS", Integer.toString(sockets.size()),
                "LISTEN_FDNAMES", sockets.stream().map(s -> s.listen().name()).collect(Collectors.joining(":")),
                "SERVER_STARTER_PORT", IntStream.range(0, sockets.size())
                        .mapToObj(i -> starterKey(sockets.get(i)) + "=" + (FIRST_FD + i)).collect(Collectors.joining(";")),
                "SERVER_STARTER_GENERATION", Long.toString(generation));
    }

    /** As written in the configuration, except a port 0 (tests) shows the port the kernel chose. */
    private static String starterKey(HeldSocket s) {
        return switch (s.listen().address()) {
            case Listen.Inet(String host, int port) when port == 0 -> new Listen.Inet(host, s.port()).starterKey();
            case Listen.Address a -> a.starterKey();
        };
    }

    @Override
    public void close() {
        sockets.forEach(HeldSocket::close);
    }

    @Override
    public String toString() {
        return sockets.toString();
    }
}
