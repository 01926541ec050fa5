package io.rolld.web;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.os.ProcNetTcp;
import java.io.IOException;
import java.time.Clock;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

/** rolld's paths and what renders each. */
final class Routes {
    private Routes() {
    }

    static Map<String, Supplier<Response>> of(DaemonView daemon, RolloutHistory history, MemorySamples memory) {
        Metrics metrics = new Metrics(daemon, history, memory, ProcNetTcp.system(), Metrics.version());
        StatusPage page = new StatusPage(daemon, history, memory, ProcNetTcp.system(), Metrics.version(), Clock.systemUTC());
        return Map.of(
                "/", () -> Response.ok("text/html; charset=utf-8", page.render()),
                "/api/status", () -> status(daemon),
                "/metrics", () -> Response.ok(PrometheusText.CONTENT_TYPE, metrics.render()));
    }

    /** The JSON of {@code rolld status --json}, pretty-printed the same way. */
    private static Response status(DaemonView daemon) {
        try {
            return Response.ok("application/json", JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT)
                    .asString(daemon.statusReport(daemon.groups())) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
