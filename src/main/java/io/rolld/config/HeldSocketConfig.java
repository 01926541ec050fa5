package io.rolld.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One listening socket rolld binds itself and hands to every generation of a group's workers.
 *
 * @param name      the socket's name in {@code LISTEN_FDNAMES}
 * @param backlog   listen(2) backlog: the kernel queue that keeps connections while workers change
 * @param reusePort SO_REUSEPORT, for a second program that wants to share the port
 * @param v6Only    IPV6_V6ONLY for an IPv6 address ({@code [::]:80} then takes no IPv4 traffic)
 * @param mode      file mode of a Unix socket, e.g. 0660; empty keeps the umask's
 */
public record HeldSocketConfig(Address address, String name, int backlog, boolean reusePort, boolean v6Only, Optional<Integer> mode) {
    public static final int DEFAULT_BACKLOG = 1024;

    /** Where the socket is bound. */
    public sealed interface Address {
        /** The address as Server::Starter writes it in {@code SERVER_STARTER_PORT}: {@code 8080}, {@code 127.0.0.1:8080}, {@code [::1]:8080} or a path. */
        String starterKey();
    }

    /** An IP literal (empty host: every address) and a port. */
    public record Inet(String host, int port) implements Address {
        @Override
        public String starterKey() {
            if (host.isEmpty()) {
                return Integer.toString(port);
            }
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        @Override
        public String toString() {
            return starterKey();
        }
    }

    public record Unix(Path path) implements Address {
        @Override
        public String starterKey() {
            return path.toString();
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }
}
