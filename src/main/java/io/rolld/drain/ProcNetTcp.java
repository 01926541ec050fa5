package io.rolld.drain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the kernel's TCP socket tables ({@code /proc/net/tcp} and {@code tcp6}). Both matter:
 * a Java or dual-stack server's sockets appear only in tcp6.
 */
public final class ProcNetTcp {
    /** Socket states as the kernel numbers them (include/net/tcp_states.h). */
    static final int ESTABLISHED = 0x01;
    static final int LISTEN = 0x0A;

    private final List<Path> tables;

    public ProcNetTcp(List<Path> tables) {
        this.tables = List.copyOf(tables);
    }

    public static ProcNetTcp system() {
        return new ProcNetTcp(List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")));
    }

    /** Established connections per local port, for the given ports only (absent = none). */
    public Map<Integer, Integer> established(Set<Integer> ports) {
        return count(ports, ESTABLISHED);
    }

    /** The given ports that have a listening socket, with the socket's inode (to find its owner). */
    public Map<Integer, Long> listening(Set<Integer> ports) {
        Map<Integer, Long> found = new HashMap<>();
        forEachSocket((local, state, inode) -> {
            if (state == LISTEN && ports.contains(local)) {
                found.putIfAbsent(local, inode);
            }
        });
        return found;
    }

    private Map<Integer, Integer> count(Set<Integer> ports, int wanted) {
        Map<Integer, Integer> counts = new HashMap<>();
        forEachSocket((local, state, inode) -> {
            if (state == wanted && ports.contains(local)) {
                counts.merge(local, 1, Integer::sum);
            }
        });
        return counts;
    }

    private interface SocketVisitor {
        void visit(int localPort, int state, long inode);
    }

    // Line format: "  sl  local_address rem_address   st tx_queue:rx_queue tr tm->when retrnsmt   uid  timeout inode"
    // local_address is HEXIP:HEXPORT; st is two hex digits; inode is the 10th field.
    private void forEachSocket(SocketVisitor visitor) {
        for (Path table : tables) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (NoSuchFileException e) {
                continue; // no IPv6 in this kernel
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + table, e);
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length < 10) {
                    continue;
                }
                String local = f[1];
                int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                visitor.visit(port, Integer.parseInt(f[3], 16), Long.parseLong(f[9]));
            }
        }
    }
}
