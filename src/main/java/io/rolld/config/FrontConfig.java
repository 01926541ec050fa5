package io.rolld.config;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * How a group's front learns about a new set: through its {@code after_start} hooks alone (nginx
 * reloaded by a {@code run_proc}), or through HAProxy's runtime API, with the hooks run after it.
 */
public sealed interface FrontConfig {
    /** No {@code front:} key: the after_start hooks are the front. */
    FrontConfig HOOKS = new Hooks();

    record Hooks() implements FrontConfig {
    }

    /**
     * {@code front: {haproxy: {socket: ..., backend: ...}}}: the servers of {@code backend} are set
     * through the runtime API on {@code socket}; no reload.
     */
    record Haproxy(AdminSocket socket, String backend) implements FrontConfig {
    }

    /** Where HAProxy's runtime API listens ({@code stats socket} in its global section). */
    sealed interface AdminSocket {
        /** A Unix socket, absolute path. */
        record Unix(Path path) implements AdminSocket {
            @Override
            public String toString() {
                return path.toString();
            }
        }

        /** {@code stats socket ipv4@127.0.0.1:PORT}; always a loopback address. */
        record Tcp(InetAddress host, int port) implements AdminSocket {
            @Override
            public String toString() {
                return (host.getAddress().length == 4 ? host.getHostAddress() : "[" + host.getHostAddress() + "]") + ":" + port;
            }
        }
    }
}
