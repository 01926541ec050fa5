package io.rolld.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the kernel's TCP socket tables ({@code /proc/net/tcp} and {@code tcp6}). Both matter:
 * a Java or dual-stack server's sockets appear only in tcp6.
 */
public final class ProcNetTcp {
    /** Socket states as the kernel numbers them (include/net/tcp_states.h). */
    static final int ESTABLISHED = 0x01;
    static final int LISTEN = 0x0A;

    private final List<Path> tables;
    private final Path proc;

    public ProcNetTcp(List<Path> tables) {
        this(tables, Path.of("/proc"));
    }

    /** @param proc where the processes are listed ({@code /proc}), to find a socket's owner */
    public ProcNetTcp(List<Path> tables, Path proc) {
        this.tables = List.copyOf(tables);
        this.proc = proc;
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
        forEachSocket((local, address, state, inode) -> {
            if (state == LISTEN && ports.contains(local)) {
                found.putIfAbsent(local, inode);
            }
        });
        return found;
    }

    /** The local addresses {@code port} listens on ("127.0.0.1", "::1", "0.0.0.0", "::"); empty when none. */
    public List<String> listenAddresses(int port) {
        List<String> found = new ArrayList<>();
        forEachSocket((local, address, state, inode) -> {
            if (state == LISTEN && local == port) {
                found.add(readable(address));
            }
        });
        return found;
    }

    /**
     * The pid of a process holding the socket {@code inode} open (found through
     * {@code /proc/PID/fd}); empty when none can be seen (it exited, or another user's process
     * when rolld is not root).
     */
    public Optional<Long> ownerOf(long inode) {
        String wanted = "socket:[" + inode + "]";
        try (Stream<Path> pids = Files.list(proc)) {
            return pids.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> holds(p.resolve("fd"), wanted))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The TCP ports {@code pid} listens on through sockets it holds open itself (in {@code
     * /proc/PID/fd}), but those in {@code except}; empty when it has none (or cannot be read).
     */
    public List<Integer> listeningPortsOf(long pid, Set<Integer> except) {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(proc.resolve(Long.toString(pid)).resolve("fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target, "socket:[".length(), target.length() - 1, 10));
                    }
                } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
                    // closed meanwhile, or not a socket
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // exited meanwhile, or not ours to read
        }
        List<Integer> found = new ArrayList<>();
        forEachSocket((local, address, state, inode) -> {
            if (state == LISTEN && inodes.contains(inode) && !except.contains(local) && !found.contains(local)) {
                found.add(local);
            }
        });
        return found;
    }

    private static boolean holds(Path fdDir, String target) {
        try (Stream<Path> fds = Files.list(fdDir)) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(target);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return false; // exited meanwhile, or not ours to read
        }
    }

    private Map<Integer, Integer> count(Set<Integer> ports, int wanted) {
        Map<Integer, Integer> counts = new HashMap<>();
        forEachSocket((local, address, state, inode) -> {
            if (state == wanted && ports.contains(local)) {
                counts.merge(local, 1, Integer::sum);
            }
        });
        return counts;
    }

    private interface SocketVisitor {
        /** {@code addressHex} is filled in for listening sockets only, the one state that needs it. */
        void visit(int localPort, String addressHex, int state, long inode);
    }

    // Line format: "  sl  local_address rem_address   st tx_queue:rx_queue tr tm->when retrnsmt   uid  timeout inode"
    // local_address is HEXIP:HEXPORT; st is two hex digits; inode is the 10th field.
    // Parsed from bytes by hand: under load the tables hold thousands of lines, read on every drain
    // poll and state-file write; decoding and regex-splitting them was most of rolld's CPU time.
    private void forEachSocket(SocketVisitor visitor) {
        for (Path table : tables) {
            byte[] text;
            try {
                text = Files.readAllBytes(table);
            } catch (NoSuchFileException e) {
                continue; // no IPv6 in this kernel
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + table, e);
            }
            int lineStart = indexOf(text, '\n', 0) + 1; // skip the header
            while (lineStart > 0 && lineStart < text.length) {
                int lineEnd = indexOf(text, '\n', lineStart);
                int end = lineEnd < 0 ? text.length : lineEnd;
                visitLine(text, lineStart, end, visitor);
                lineStart = lineEnd + 1;
            }
        }
    }

    private static void visitLine(byte[] text, int from, int to, SocketVisitor visitor) {
        int[] starts = new int[10];
        int fields = 0;
        for (int i = from; i < to && fields < starts.length; i++) {
            if (text[i] != ' ' && (i == from || text[i - 1] == ' ')) {
                starts[fields++] = i;
            }
        }
        if (fields < starts.length) {
            return;
        }
        int colon = indexOf(text, ':', starts[1]);
        int state = (int) number(text, starts[3], 16);
        String address = state == LISTEN ? new String(text, starts[1], colon - starts[1], StandardCharsets.US_ASCII) : "";
        visitor.visit((int) number(text, colon + 1, 16), address, state, number(text, starts[9], 10));
    }

    /** The number that starts at {@code from} and runs to the next non-digit. */
    private static long number(byte[] text, int from, int radix) {
        long value = 0;
        for (int i = from; i < text.length; i++) {
            int digit = Character.digit(text[i], radix);
            if (digit < 0) {
                break;
            }
            value = value * radix + digit;
        }
        return value;
    }

    private static int indexOf(byte[] text, char c, int from) {
        for (int i = from; i < text.length; i++) {
            if (text[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The kernel prints an address as 32-bit words in host (little-endian) byte order. */
    static String readable(String hex) {
        byte[] raw = HexFormat.of().parseHex(hex);
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 2; i++) {
                byte b = raw[word + i];
                raw[word + i] = raw[word + 3 - i];
                raw[word + 3 - i] = b;
            }
        }
        try {
            String text = InetAddress.getByAddress(raw).getHostAddress();
            return text.equals("0:0:0:0:0:0:0:0") ? "::" : text.equals("0:0:0:0:0:0:0:1") ? "::1" : text;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + hex, e);
        }
    }
}
