package io.rolld.os;

import io.rolld.config.HeldSocketConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The sockets one group holds, in configuration order: the i-th becomes fd 3+i in every worker.
 * Also speaks the two inheritance protocols, so servers written for either run unchanged.
 */
public final class HeldSocketSet implements AutoCloseable {
    /** The first inherited descriptor (SD_LISTEN_FDS_START). */
    public static final int FIRST_FD = 3;

    private final List<HeldSocket> sockets;

    private HeldSocketSet(List<HeldSocket> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /** Binds every address, or none: on a failure the ones already bound are closed again. */
    public static HeldSocketSet open(List<HeldSocketConfig> listen) throws IOException {
        return open("", listen, new HeldSocketHandover(new java.util.HashMap<>()));
    }

    /**
     * Like {@link #open(List)}, taking a socket {@code passed} holds for {@code group} (systemd's
     * fd store, a re-exec) instead of binding it anew, so its accept queue is the same.
     */
    public static HeldSocketSet open(String group, List<HeldSocketConfig> listen, HeldSocketHandover passed) throws IOException {
        List<HeldSocket> bound = new ArrayList<>();
        try {
            for (HeldSocketConfig l : listen) {
                Optional<HeldSocket> taken = passed.take(group, l);
                bound.add(taken.isPresent() ? taken.get() : HeldSocket.bind(l));
            }
        } catch (IOException | RuntimeException e) {
            bound.forEach(HeldSocket::close);
            throw e;
        }
        return new HeldSocketSet(bound);
    }

    /** Sockets rolld holds already, e.g. taken back from a worker ({@link HeldSocketRecovery}), in configuration order. */
    public static HeldSocketSet of(List<HeldSocket> sockets) {
        return new HeldSocketSet(sockets);
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
            case HeldSocketConfig.Inet(String host, int port) when port == 0 -> new HeldSocketConfig.Inet(host, s.port()).starterKey();
            case HeldSocketConfig.Address a -> a.starterKey();
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
