package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code bake}, {@code canary} and {@code batch} keys; refusals are in the bad-configs corpus. */
class DeliveryConfigTest {
    private static final String WORKSETS = """
            app:
              cmd: ./server {numproc}
              workset:
                - numprocs: [8001, 8002]
                - numprocs: [8003, 8004]
              after_start:
                - replace_file: [numprocs, up.mustache, up.conf]
            """;
    private static final String HELD = """
            app:
              cmd: ./server
              listen: 127.0.0.1:8080
              workers: 4
            """;

    @TempDir
    Path dir;

    private Delivery load(String yaml) throws IOException, ConfigException {
        Files.writeString(dir.resolve("up.mustache"), "{{#servers}}server 127.0.0.1:{{port}} weight={{weight}};{{/servers}}\n");
        Path file = dir.resolve("rolld.yml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file).groups().getFirst().delivery();
    }

    @Test
    void load_whenNoDeliveryKeys_switchesAllAtOnce() throws Exception {
        Delivery d = load(WORKSETS);

        assertEquals(Delivery.ALL_AT_ONCE, d);
    }

    @Test
    void load_whenBakeAndCanaryGiven_keepsThemInOrder() throws Exception {
        Delivery d = load(WORKSETS + """
                  bake:
                    duration: 2m
                    interval: 500ms
                    check: './error-rate-ok.sh 1'
                  canary:
                    - {weight: 10, pause: 1m}
                    - weight: 50
                      pause: 30s
                """);

        assertEquals(Optional.of(new Delivery.Bake(Duration.ofMinutes(2), Duration.ofMillis(500), Optional.of("./error-rate-ok.sh 1"))), d.bake());
        assertEquals(List.of(new Delivery.CanaryStep(10, Duration.ofMinutes(1)), new Delivery.CanaryStep(50, Duration.ofSeconds(30))), d.canary());
        assertEquals(OptionalInt.empty(), d.batch());
        assertEquals(Duration.ofMillis(500), d.watchInterval());
        assertEquals(Optional.of("./error-rate-ok.sh 1"), d.check());
    }

    @Test
    void load_whenBakeHasOnlyDuration_checksEverySecondWithoutCommand() throws Exception {
        Delivery d = load(WORKSETS + "  bake: {duration: 12s}\n");

        assertEquals(Optional.of(new Delivery.Bake(Duration.ofSeconds(12), Duration.ofSeconds(1), Optional.empty())), d.bake());
    }

    @Test
    void load_whenCanaryWithoutBake_watchesPausesEverySecond() throws Exception {
        Delivery d = load(WORKSETS + "  canary: [{weight: 99, pause: 5s}]\n");

        assertEquals(Optional.empty(), d.bake());
        assertEquals(Delivery.Bake.DEFAULT_INTERVAL, d.watchInterval());
        assertEquals(Optional.empty(), d.check());
    }

    @Test
    void load_whenBatchInHeldMode_acceptsUpToWorkers() throws Exception {
        assertEquals(OptionalInt.of(1), load(HELD + "  batch: 1\n").batch());
        assertEquals(OptionalInt.of(4), load(HELD + "  batch: 4\n").batch());
    }

    @Test
    void load_whenBakeInHeldMode_accepted() throws Exception {
        Delivery d = load(HELD + "  bake: {duration: 10s, interval: 1s, check: 'true'}\n");

        assertEquals(Duration.ofSeconds(10), d.bake().orElseThrow().duration());
    }

    @Test
    void canaryStep_whenWeightOutOfRange_refused() {
        assertThrows(IllegalArgumentException.class, () -> new Delivery.CanaryStep(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Delivery.CanaryStep(100, Duration.ofSeconds(1)));
    }

    @Test
    void load_whenStrategyRecreateInHeldSocketMode_keepsIt() throws Exception {
        assertEquals(Delivery.Strategy.RECREATE, load(HELD + "  strategy: recreate\n").strategy());
        assertEquals(Delivery.Strategy.ROLLING, load(HELD).strategy());
    }

    @Test
    void load_whenStrategyRecreateWithWorksetsOrBatches_refusesIt() {
        ConfigException worksets = assertThrows(ConfigException.class, () -> load(WORKSETS + "  strategy: recreate\n"));
        assertTrue(worksets.getMessage().contains("recreate only applies with 'listen'"), worksets.getMessage());
        ConfigException batches = assertThrows(ConfigException.class, () -> load(HELD + "  batch: 1\n  strategy: recreate\n"));
        assertTrue(batches.getMessage().contains("leave 'batch' out"), batches.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> load(HELD + "  strategy: blue-green\n"));
        assertTrue(unknown.getMessage().contains("rolling, the default, or recreate"), unknown.getMessage());
    }
}
