package io.rolld.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback TCP ports, chosen at run time.
 *
 * <p>Ports are picked below the kernel's ephemeral range ({@code ip_local_port_range}), so the
 * local ends of outgoing connections (load generators, nginx to upstreams) never take them
 * between "free" and "bound". Each candidate is checked by binding 127.0.0.1; a port handed out
 * once is never handed out again by this JVM. If no port can be found that way, it falls back
 * to a kernel-chosen port (bind to port 0).
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 500;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** One free port. */
    public static int one() {
        return distinct(1).getFirst();
    }

    /** {@code n} distinct free ports, in no particular order. */
    public static synchronized List<Integer> distinct(int n) {
        List<Integer> ports = new ArrayList<>(n);
        int[] range = ephemeralRange();
        for (int attempt = 0; ports.size() < n && attempt < ATTEMPTS * n; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(LOWEST, range[0]);
            if (claim(candidate)) {
                ports.add(candidate);
            }
        }
        while (ports.size() < n) {
            ports.add(kernelChosen());
        }
        return List.copyOf(ports);
    }

    /**
     * {@code n} consecutive free ports {@code base, base+1, ...}, as in rolld.yml's worksets; falls back
     * to {@link #distinct} (not consecutive) if no free run is found.
     */
    public static synchronized List<Integer> consecutive(int n) {
        int[] range = ephemeralRange();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(LOWEST, range[0] - n);
            List<Integer> run = new ArrayList<>(n);
            for (int port = base; port < base + n && isFree(port); port++) {
                run.add(port);
            }
            if (run.size() == n) {
                HANDED_OUT.addAll(run);
                return List.copyOf(run);
            }
        }
        return distinct(n);
    }

    /** True if 127.0.0.1:{@code port} can be bound right now and was not handed out before. */
    private static boolean claim(int port) {
        if (isFree(port)) {
            HANDED_OUT.add(port);
            return true;
        }
        return false;
    }

    private static boolean isFree(int port) {
        if (HANDED_OUT.contains(port)) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelChosen() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot bind 127.0.0.1:0", e);
            }
        }
        throw new IllegalStateException("no free loopback port after " + ATTEMPTS + " attempts");
    }

    /** [low, high] of /proc/sys/net/ipv4/ip_local_port_range; Linux's default when unreadable. */
    static int[] ephemeralRange() {
        try {
            String[] fields = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            int low = Integer.parseInt(fields[0]);
            int high = Integer.parseInt(fields[1]);
            if (low > LOWEST + 1_000) {
                return new int[] {low, high};
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the default
        }
        return new int[] {32_768, 60_999};
    }
}
