package io.rolld.os;

import io.rolld.config.HeldSocketConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Held sockets this rolld was started with, by name ({@code GROUP/SOCKET}): from systemd's fd
 * store ({@code LISTEN_FDS} from fd 3, {@code LISTEN_FDNAMES}, for us only when {@code LISTEN_PID}
 * is our pid) or from the rolld image this one replaced in place ({@code ROLLD_HELD_FDS=name=fd:...}).
 * A group binding its sockets takes a passed one first, after checking it is the configured
 * socket; what no group takes is closed once every group has started.
 */
public final class HeldSocketHandover {
    /** Set by {@code rolld reexec} for the new image: the held sockets that crossed the exec. */
    public static final String HELD_FDS_VARIABLE = "ROLLD_HELD_FDS";

    private static final class Shared {
        static final HeldSocketHandover INSTANCE = fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    }

    private final Map<String, List<Integer>> byName; // guarded by this

    HeldSocketHandover(Map<String, List<Integer>> byName) {
        this.byName = byName;
    }

    /** The descriptors of this process, read once; each is made close-on-exec so no child inherits it by accident. */
    public static HeldSocketHandover shared() {
        return Shared.INSTANCE;
    }

    static HeldSocketHandover fromEnvironment(Map<String, String> env, long pid) {
        Map<String, List<Integer>> byName = new LinkedHashMap<>();
        String count = env.getOrDefault("LISTEN_FDS", "");
        if (env.getOrDefault("LISTEN_PID", "").equals(Long.toString(pid)) && count.matches("[0-9]{1,4}")) {
            String[] names = env.getOrDefault("LISTEN_FDNAMES", "").split(":", -1);
            for (int i = 0; i < Integer.parseInt(count); i++) {
                byName.computeIfAbsent(i < names.length ? names[i] : "unknown", n -> new ArrayList<>()).add(HeldSocketSet.FIRST_FD + i);
            }
        }
        for (String entry : env.getOrDefault(HELD_FDS_VARIABLE, "").split(":")) {
            int eq = entry.lastIndexOf('=');
            if (eq > 0 && entry.substring(eq + 1).matches("[0-9]{1,9}")) {
                byName.computeIfAbsent(entry.substring(0, eq), n -> new ArrayList<>()).add(Integer.parseInt(entry.substring(eq + 1)));
            }
        }
        byName.values().forEach(fds -> fds.forEach(fd -> ProcessImage.setCloseOnExec(fd, true)));
        return new HeldSocketHandover(byName);
    }

    /** The name a held socket is passed under: {@code GROUP/SOCKET} (systemd allows any printable name without ':'). */
    public static String nameOf(String group, HeldSocketConfig socket) {
        return group + "/" + socket.name();
    }

    /**
     * A passed socket for {@code socket} of {@code group}, checked to be a listening socket bound
     * where rolld.yml says; empty when none was passed. One that does not match is closed and
     * named in the exception.
     */
    public synchronized Optional<HeldSocket> take(String group, HeldSocketConfig socket) throws IOException {
        List<Integer> fds = byName.get(nameOf(group, socket));
        if (fds == null || fds.isEmpty()) {
            return Optional.empty();
        }
        int fd = fds.removeFirst();
        try {
            return Optional.of(HeldSocketRecovery.adopt(fd, socket, "passed descriptor " + fd + " (" + nameOf(group, socket) + ")"));
        } finally {
            SocketCalls.close(fd);
        }
    }

    /** Closes every passed descriptor no group took; returns their names. */
    public synchronized List<String> closeUntaken() {
        List<String> names = byName.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        byName.values().forEach(fds -> fds.forEach(fd -> {
            try {
                SocketCalls.close(fd);
            } catch (ErrnoException e) {
                // already closed
            }
        }));
        byName.clear();
        return names;
    }

    /** {@code ROLLD_HELD_FDS}'s value for {@code fds} by name. */
    public static String environmentValue(Map<String, Integer> fds) {
        return fds.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(":"));
    }
}
