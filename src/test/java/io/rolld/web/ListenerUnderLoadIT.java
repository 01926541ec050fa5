package io.rolld.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.FreePorts;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.Polling;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.WebClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The listener during a rollout of 4 workers, while a bounded flood of requests hits every path:
 * the rollout runs to its end under the flood, every request is answered, and a separate prober
 * sees the rollout move through its phases, answered in well under 50 ms.
 */
@Isolated("measures the listener's latency: alone, so another test's load does not count")
class ListenerUnderLoadIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    private static final int FLOODERS = 8;
    /** Per flooder; the flood also stops once the rollout is over. */
    private static final int FLOOD_REQUESTS = 5_000;
    private static final List<String> PATHS = List.of("/", "/metrics", "/api/status");

    @Test
    void hup_underARequestFlood_rollsToTheEndWhileEveryRequestIsAnswered() throws Exception {
        int port = FreePorts.one();
        Path dir = Files.createDirectories(Project.scratch("http").resolve("flood-" + System.nanoTime()));
        Path config = GroupYaml.workers(4).settings("http: 127.0.0.1:" + port).write(dir);
        AtomicBoolean rolloutOver = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger answeredAfterRollout = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Set<String> phasesSeen = ConcurrentHashMap.newKeySet();
        List<Long> probeMicros = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(FLOODERS + 1);
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready ", ROLLOUT);
            for (int i = 0; i < FLOODERS; i++) {
                int first = i;
                clients.submit(() -> flood(new WebClient(port), first, rolloutOver, answered, answeredAfterRollout, failures));
            }
            clients.submit(() -> probe(new WebClient(port), rolloutOver, phasesSeen, probeMicros, failures));
            Polling.require(() -> answered.get() >= 100, ROLLOUT, "the flood under way");
            int before = answered.get();
            int from = rolld.lines().size();
            rolld.signal("HUP");
            String outcome = rolld.awaitLineAfter(from, "event=rollout_(succeeded|failed) group=app ", ROLLOUT);
            int duringRollout = answered.get() - before;
            rolloutOver.set(true);
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS), "the flood stops by itself");

            List<Long> sorted = probeMicros.stream().sorted().toList();
            System.out.println("ListenerUnderLoadIT: " + duringRollout + " flood requests answered during the rollout, "
                    + answered.get() + " in all; probe answers during it: " + sorted.size() + ", median "
                    + sorted.get(sorted.size() / 2) / 1000.0 + " ms, p90 " + sorted.get(sorted.size() * 9 / 10) / 1000.0
                    + " ms, max " + sorted.getLast() / 1000.0 + " ms; phases seen " + phasesSeen + "; " + outcome);
            assertTrue(outcome.contains("event=rollout_succeeded"), outcome);
            assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())));
            assertTrue(duringRollout > 0, "flood requests were answered while the rollout ran");
            assertTrue(answeredAfterRollout.get() > 0 || answered.get() >= FLOODERS * FLOOD_REQUESTS,
                    "the flood was still going when the rollout ended");
            assertTrue(phasesSeen.stream().anyMatch(p -> !p.equals("IDLE")), "the prober saw the rollout run: " + phasesSeen);
            assertTrue(sorted.get(sorted.size() / 2) < 50_000, "median answer during the rollout " + sorted.get(sorted.size() / 2) + " us");
        } finally {
            rolloutOver.set(true);
            clients.shutdownNow();
        }
    }

    private static void flood(WebClient web, int first, AtomicBoolean rolloutOver, AtomicInteger answered,
                              AtomicInteger answeredAfterRollout, List<String> failures) {
        for (int i = 0; i < FLOOD_REQUESTS && !rolloutOver.get(); i++) {
            String path = PATHS.get((first + i) % PATHS.size());
            try {
                HttpResponse<String> r = web.get(path);
                if (r.statusCode() != 200) {
                    failures.add(path + " answered " + r.statusCode());
                }
                answered.incrementAndGet();
                if (rolloutOver.get()) {
                    answeredAfterRollout.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failures.add(path + ": " + e);
            }
        }
    }

    /** One request at a time, timed, while the rollout runs: what an operator's refresh would see. */
    private static void probe(WebClient web, AtomicBoolean rolloutOver, Set<String> phasesSeen, List<Long> micros,
                              List<String> failures) {
        for (int i = 0; i < FLOOD_REQUESTS && !rolloutOver.get(); i++) {
            long start = System.nanoTime();
            try {
                String body = web.body("/api/status");
                long took = (System.nanoTime() - start) / 1000;
                String phase = body.replaceAll("(?s).*?\"phase\" : \"([A-Z_]+)\".*", "$1");
                phasesSeen.add(phase);
                if (!phase.equals("IDLE")) {
                    micros.add(took);
                }
            } catch (RuntimeException | AssertionError e) {
                failures.add("probe: " + e);
            }
        }
    }
}
