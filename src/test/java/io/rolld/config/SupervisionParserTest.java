package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SupervisionParserTest {
    private static final String GROUP = """
            app:
              cmd: ./server {numproc}
              workset:
                - numprocs: [8001, 8002]
                - numprocs: [8003, 8004]
            """;

    private static Supervision parse(String extra) throws ConfigException {
        return ConfigLoader.parse(GROUP + extra, Path.of("src/test/resources/rolld.yml")).groups().getFirst().supervision();
    }

    @Test
    void parse_withoutAnyKey_usesTheDocumentedDefaults() throws ConfigException {
        Supervision s = parse("");

        assertEquals(new Supervision.Respawn(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60)), s.respawn());
        assertEquals(Optional.empty(), s.memory());
        assertEquals(Optional.empty(), s.autoRestart());
        assertEquals(Optional.empty(), s.envdir());
        assertEquals(Optional.empty(), s.onEvent());
        assertEquals(Optional.empty(), s.liveness());
        assertEquals(Optional.empty(), s.watchdog());
    }

    @Test
    void parse_livenessWithOnlyAnHttpPath_checksEvery10sThreeTimesAfter30sWithA5mCooldown() throws ConfigException {
        Liveness l = parse("  liveness: {http: {path: /health}}\n").liveness().orElseThrow();

        assertEquals(new Liveness(new SmokeTest.Http("/health", Optional.empty(), Optional.empty(), Duration.ofSeconds(2)),
                Duration.ofSeconds(10), 3, Duration.ofSeconds(30), Duration.ofMinutes(5)), l);
    }

    @Test
    void parse_livenessEveryKey_isRead() throws ConfigException {
        Liveness l = parse("  liveness: {http: {path: /up, status: 204, timeout: 500ms}, interval: 1s, failures: 5, grace: 2m,"
                + " cooldown: 1h}\n").liveness().orElseThrow();

        assertEquals(new Liveness(new SmokeTest.Http("/up", Optional.of(204), Optional.empty(), Duration.ofMillis(500)),
                Duration.ofSeconds(1), 5, Duration.ofMinutes(2), Duration.ofHours(1)), l);
        assertEquals(Duration.ofMillis(500), l.timeout());
    }

    @Test
    void parse_livenessTcp_withOrWithoutATimeout() throws ConfigException {
        assertEquals(new SmokeTest.Tcp(Duration.ofSeconds(2)), parse("  liveness: {tcp: }\n").liveness().orElseThrow().check());
        assertEquals(new SmokeTest.Tcp(Duration.ofMillis(300)),
                parse("  liveness: {tcp: {timeout: 300ms}}\n").liveness().orElseThrow().check());
    }

    @Test
    void parse_heldSocketGroupUnderReadyNotify_takesAWatchdog() throws ConfigException {
        Supervision s = ConfigLoader.parse("""
                app:
                  cmd: ./server
                  listen: 8080
                  workers: 2
                  ready: notify
                  liveness: {tcp: {}}
                  watchdog: 30s
                """, Path.of("src/test/resources/rolld.yml")).groups().getFirst().supervision();

        assertEquals(new SmokeTest.Tcp(Duration.ofSeconds(2)), s.liveness().orElseThrow().check());
        assertEquals(Optional.of(Duration.ofSeconds(30)), s.watchdog());
    }

    @Test
    void parse_memoryWithOnlyALimit_checksRssEvery10sWithA5mCooldown() throws ConfigException {
        Supervision.Memory m = parse("  memory:\n    limit: 256MB\n").memory().orElseThrow();

        assertEquals(new Supervision.Memory(256_000_000, 256_000_000, Supervision.Metric.RSS, Duration.ofSeconds(10),
                Duration.ofMinutes(5), new Supervision.Per.Worker()), m);
    }

    @Test
    void parse_everyKey_isRead() throws ConfigException {
        Supervision s = parse("""
                  respawn: {backoff: 500ms, max_backoff: 1m, reset_after: 5m}
                  memory: {limit: 1GiB, min_limit: 900MiB, metric: uss, check_interval: 30s, cooldown: 30m}
                  auto_restart: {every: 6h, jitter: 15m}
                  envdir: good-configs
                  on_event: {command: './alert.sh', events: [worker_crashed, memory_exceeded], timeout: 3s}
                """);

        assertEquals(new Supervision.Respawn(Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofMinutes(5)), s.respawn());
        assertEquals(new Supervision.Memory(1L << 30, 900L << 20, Supervision.Metric.USS, Duration.ofSeconds(30),
                Duration.ofMinutes(30), new Supervision.Per.Worker()), s.memory().orElseThrow());
        assertEquals(new Supervision.AutoRestart(Duration.ofHours(6), Duration.ofMinutes(15)), s.autoRestart().orElseThrow());
        assertEquals(Path.of("src/test/resources/good-configs").toAbsolutePath(), s.envdir().orElseThrow());
        assertEquals(new Supervision.OnEvent("./alert.sh", Set.of(Supervision.EventKind.WORKER_CRASHED,
                Supervision.EventKind.MEMORY_EXCEEDED), Duration.ofSeconds(3)), s.onEvent().orElseThrow());
    }

    @Test
    void parse_autoRestartWithoutJitter_jittersByATenth_andOnEventWithoutEvents_hearsAll() throws ConfigException {
        Supervision s = parse("  auto_restart: {every: 1h}\n  on_event: {command: 'true'}\n");

        assertEquals(Duration.ofMinutes(6), s.autoRestart().orElseThrow().jitter());
        assertEquals(EnumSet.allOf(Supervision.EventKind.class), s.onEvent().orElseThrow().events());
        assertEquals(Duration.ofSeconds(10), s.onEvent().orElseThrow().timeout());
    }

    @Test
    void parse_memoryPerChild_stopsAChildAsTheGroupStopsItsWorkers_withoutCooldown() throws ConfigException {
        Supervision.Memory m = parse("  stop_signal: QUIT\n  stop_timeout: 20s\n  memory: {limit: 300MB, per: child}\n").memory().orElseThrow();

        assertEquals(new Supervision.Per.Child(PosixSignal.QUIT, Duration.ofSeconds(20)), m.per());
        assertEquals(Duration.ZERO, m.cooldown());
    }

    @Test
    void parse_memoryPerChildWithASignal_sendsThatOne() throws ConfigException {
        Supervision.Memory m = parse("  memory: {limit: 300MB, per: child, signal: sigterm, cooldown: 1m}\n").memory().orElseThrow();

        assertEquals(new Supervision.Per.Child(PosixSignal.TERM, GroupConfig.DEFAULT_STOP_TIMEOUT), m.per());
        assertEquals(Duration.ofMinutes(1), m.cooldown());
    }

    @Test
    void parse_memoryPerWorker_isTheDefault() throws ConfigException {
        assertEquals(new Supervision.Per.Worker(), parse("  memory: {limit: 300MB, per: worker}\n").memory().orElseThrow().per());
    }
}
