package io.rolld.testing;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's package) on a free loopback port, with its own configuration and
 * data directory under the scratch directory, scraping one target every second. Closing stops it
 * by pid (TERM, then KILL).
 */
public final class Prometheus implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final int port;
    private final Process process;
    private final WebClient client;

    private Prometheus(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.client = new WebClient(port);
    }

    /** $ROLLD_PROMETHEUS (set by scripts/test), PATH, or /usr/bin/prometheus. */
    public static String binary() {
        return fromEnv("ROLLD_PROMETHEUS").orElseGet(() -> Project.program("prometheus", "/usr/bin/prometheus"));
    }

    /** $ROLLD_PROMTOOL (set by scripts/test), PATH, or /usr/bin/promtool. */
    public static String promtool() {
        return fromEnv("ROLLD_PROMTOOL").orElseGet(() -> Project.program("promtool", "/usr/bin/promtool"));
    }

    /** Starts Prometheus scraping {@code 127.0.0.1:targetPort/metrics} every second; returns once it is ready. */
    public static Prometheus scraping(int targetPort) {
        Path dir = Project.scratch("prometheus").resolve("p-" + System.nanoTime());
        int port = FreePorts.one();
        Process process;
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: rolld
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(targetPort));
            process = new ProcessBuilder(binary(), "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary(), e);
        }
        Prometheus p = new Prometheus(dir, port, process);
        try {
            Polling.require(() -> !process.isAlive() || p.ready(), START_TIMEOUT, "prometheus ready on port " + port);
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + p.log());
            }
            return p;
        } catch (RuntimeException | AssertionError e) {
            p.close();
            throw e;
        }
    }

    /**
     * The value of an instant query that returns one series (e.g. {@code sum(rolld_rollouts_total)}),
     * empty while it returns none.
     */
    @SuppressWarnings("unchecked")
    public Optional<Double> value(String query) {
        try {
            Map<String, Object> answer = JSON.std.mapFrom(client.body("/api/v1/query?query="
                    + URLEncoder.encode(query, StandardCharsets.UTF_8)));
            List<Map<String, Object>> result = (List<Map<String, Object>>) ((Map<String, Object>) answer.get("data")).get("result");
            if (result.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Double.parseDouble((String) ((List<Object>) result.getFirst().get("value")).get(1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private boolean ready() {
        try {
            return client.get("/-/ready").statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static Optional<String> fromEnv(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
