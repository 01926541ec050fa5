package io.rolld.config;

import java.time.Duration;
import java.util.Optional;

/** A check run against every port of a freshly started workset, polled until it passes. */
public sealed interface SmokeTest {

    /**
     * GET {@code path}; passes on {@code status} (or any 2xx when empty) and, when given, a body
     * containing {@code bodyContains}. {@code check_all_http_ports: numprocs} is {@code GET /} expecting 2xx.
     */
    record Http(String path, Optional<Integer> status, Optional<String> bodyContains, Duration requestTimeout)
            implements SmokeTest {
        public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    }

    /** Passes when a TCP connection to the port is accepted. */
    record Tcp(Duration connectTimeout) implements SmokeTest {
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    }
}
