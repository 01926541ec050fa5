package io.rolld.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Polling;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fault matrix, part 5: a burst of HUPs never runs rollouts in parallel, never loses the last one, never crashes rolld. */
class HupStormIT {
    private static final String STARTED = "event=rollout_started group=app ";
    private static final int START_DELAY_S = 4;
    private static final String ENDED = "event=rollout_(succeeded|failed) group=app ";

    @Test
    void hup_fiftyTimesWithinOneSecond_coalescesIntoSerialRolloutsWithOneAfterTheLast() throws Exception {
        try (Deployment d = Deployment.start("hup-storm", 2, "stop_timeout: 1s", "drain_timeout: 5s", "ready_timeout: 90s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(3), 5_000_000)) {
            load.awaitCompleted(100, Duration.ofSeconds(20));
            // Every later generation waits 4 s before it binds: the first HUP's rollout surely
            // outlasts the burst, so every other HUP lands while it runs.
            d.env("APP_START_DELAY_S", Integer.toString(START_DELAY_S));
            int from = d.rolld().lines().size();
            // One process sends all 50 (a kill(1) per HUP would take longer than the burst itself).
            Process burst = new ProcessBuilder("python3", "-c", """
                    import os, sys, time
                    start = time.monotonic()
                    for _ in range(50):
                        os.kill(int(sys.argv[1]), 1)
                        time.sleep(0.015)
                    print("%.3f" % (time.monotonic() - start))
                    """, Long.toString(d.rolld().pid())).redirectErrorStream(true).start();
            String took = new String(burst.getInputStream().readAllBytes()).strip();
            assertEquals(0, burst.waitFor(), took);
            assertTrue(Double.parseDouble(took) < START_DELAY_S, "50 HUPs took " + took + " s, longer than a rollout");

            Polling.require(() -> settled(d.rolld().lines().subList(from, d.rolld().lines().size())),
                    Duration.ofSeconds(120), "a rollout that started after the last HUP, and finished");
            List<String> lines = d.rolld().lines().subList(from, d.rolld().lines().size());
            int rollouts = 0;
            boolean running = false;
            for (String line : lines) {
                if (line.contains(STARTED)) {
                    assertTrue(!running, "two rollouts at once: " + line);
                    running = true;
                    rollouts++;
                } else if (line.matches(".*" + ENDED + ".*")) {
                    assertTrue(line.contains("rollout_succeeded"), line);
                    running = false;
                }
            }
            assertTrue(d.rolld().isAlive(), d.rolld().tail());
            long hups = lines.stream().filter(l -> l.contains("event=signal signal=HUP")).count();
            System.out.println("HupStormIT: 50 HUPs sent in " + took + " s, " + hups + " seen by rolld (the kernel merges pending ones), "
                    + rollouts + " rollouts");
            assertTrue(hups >= 3, "rolld saw " + hups + " HUPs: " + d.rolld().tail());
            // The first HUP's rollout, then exactly one for all the HUPs that arrived during it.
            assertEquals(2, rollouts, "coalesced: " + rollouts + " rollouts for " + hups + " HUPs");
            assertTrue(rollouts < hups, rollouts + " rollouts for " + hups + " HUPs");

            HttpLoadReport report = load.stop();
            System.out.println("HupStormIT: " + report);
            assertEquals(0, report.non2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }

    /** The last rollout started after the last HUP rolld saw, and has ended. */
    private static boolean settled(List<String> lines) {
        int lastHup = -1;
        int lastStart = -1;
        int lastEnd = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.contains("event=signal signal=HUP")) {
                lastHup = i;
            } else if (l.contains(STARTED)) {
                lastStart = i;
            } else if (l.matches(".*" + ENDED + ".*")) {
                lastEnd = i;
            }
        }
        return lastHup >= 0 && lastStart > lastHup && lastEnd > lastStart;
    }
}
