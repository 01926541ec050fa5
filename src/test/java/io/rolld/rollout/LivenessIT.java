package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Nginx;
import io.rolld.testing.Rolld;
import io.rolld.testing.RolldStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workset mode: a worker that stops answering (its request loop hung, its port still open and
 * accepting) fails its liveness checks and the group is rolled, under load through nginx; the
 * requests that hung before are counted, and none fails after.
 */
class LivenessIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void aHungWorker_underLoadThroughNginx_failsItsChecksAndTheGroupRolls() throws Exception {
        Path hang = dir.resolve("hang");
        GroupYaml group = GroupYaml.workers(2).env("APP_HANG_FILE", hang.toString())
                .with("liveness: {http: {path: /, timeout: 300ms}, interval: 500ms, failures: 3, grace: 1s, cooldown: 10m}");
        try (Nginx nginx = Nginx.inFrontOf(dir.resolve("nginx-upstream.conf"))) {
            group.withNginx(nginx);
            nginx.start();
            Path yml = group.write(dir);
            try (Rolld rolld = Rolld.start(yml)) {
                rolld.awaitLine("event=ready", WAIT);
                long hung = RolldStatus.of(yml).pids(Deployment.GROUP).getFirst();
                HttpLoadReport before;
                String unresponsive;
                String rolled;
                Instant hangAt;
                try (HttpLoad load = HttpLoad.start(nginx.port(), "/", 4, Duration.ofSeconds(120), 1_000_000, READ_TIMEOUT)) {
                    load.awaitCompleted(200, WAIT);
                    hangAt = Instant.now();
                    Files.writeString(hang, hung + "\n");
                    unresponsive = rolld.awaitLine("event=worker_unresponsive group=app .*pid=" + hung + " ", WAIT);
                    rolld.awaitLine("event=rollout_started group=app generation=2 trigger=\"liveness: port ", WAIT);
                    rolled = rolld.awaitLine("event=rollout_succeeded group=app generation=2 ", WAIT);
                    before = load.stop();
                }
                System.out.println("LivenessIT hung worker: " + before + "\n  " + unresponsive + "\n  " + rolled
                        + "\n  from the hang to the check that found it: " + Duration.between(hangAt, timestamp(unresponsive)).toMillis()
                        + "ms, to the end of the rollout: " + Duration.between(hangAt, timestamp(rolled)).toMillis() + "ms"
                        + "\n  requests that hung before the rollout (timed out, or cut by its stop): " + before.failed());
                assertTrue(unresponsive.contains("failures=3 last=\"timed out after 300ms\" action=rollout"), unresponsive);
                assertTrue(before.failed() > 0, "requests sent to the hung worker hung: " + before);

                HttpLoadReport after;
                try (HttpLoad load = HttpLoad.start(nginx.port(), "/", 4, Duration.ofSeconds(60), 1_000, READ_TIMEOUT)) {
                    after = load.awaitDone(WAIT);
                }
                System.out.println("LivenessIT after the rollout: " + after);
                assertEquals(0, after.failed(), after + "\n" + nginx.diagnostics());
                assertEquals(List.copyOf(group.secondPorts()), RolldStatus.of(yml).ports(Deployment.GROUP));
                assertEquals("serving", RolldStatus.of(yml).state(Deployment.GROUP));
            }
        }
    }

    private static Instant timestamp(String line) {
        return Instant.parse(line.substring(0, line.indexOf(' ')));
    }
}
