package io.rolld.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Chromium;
import io.rolld.testing.FreePorts;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.Polling;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status page in a real (headless) browser, during and after a rollout, and after a failed one. */
class StatusPageIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);

    @Test
    void page_duringAndAfterRollouts_showsTheGroupItsWorkersAndEachRollout() throws Exception {
        int port = FreePorts.one();
        Path dir = Files.createDirectories(Project.scratch("http").resolve("page-" + System.nanoTime()));
        Path failFile = dir.resolve("fail");
        GroupYaml yaml = GroupYaml.workers(2).settings("http: 127.0.0.1:" + port).with("ready_timeout: 80s")
                .env("APP_FAIL_FILE", failFile.toString());
        Path config = yaml.write(dir);
        WebClient web = new WebClient(port);
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready ", ROLLOUT);

            // New workers answer 500 while the file exists: the rollout waits in CHECKING until it is removed.
            Files.writeString(failFile, "");
            int from = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(from, "event=transition group=app generation=2 state=CHECKING", ROLLOUT);
            String during = Chromium.dumpDom(web.url("/"));
            Files.delete(failFile);
            String succeeded = rolld.awaitLineAfter(from, "event=rollout_succeeded group=app ", ROLLOUT);

            assertTrue(during.contains("id=\"group-app\""), during);
            assertTrue(during.contains("class=\"rollout running\" data-generation=\"2\""), during);
            assertTrue(during.contains("rolling out generation 2, in CHECKING"), during);
            for (String pid : pids(rolld.lines(), "event=rollout_succeeded group=app generation=1 ")) {
                assertTrue(during.contains("data-pid=\"" + pid + "\""), "old worker " + pid + " listed during the rollout\n" + during);
            }

            yaml.env("APP_EXIT", "3").write(dir); // the next workers exit at once: a certain failure
            from = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(from, "event=rollout_failed group=app ", ROLLOUT);
            Polling.require(() -> web.body("/").contains("class=\"rollout rolled_back\" data-generation=\"3\""), ROLLOUT,
                    "the failed rollout on the page");
            String after = Chromium.dumpDom(web.url("/"));
            Path png = Path.of("target", "status-page.png");
            Chromium.screenshot(web.url("/"), png, 900, 1100);

            assertTrue(after.contains("<b class=\"generation\">2</b>"), after);
            assertTrue(after.contains("class=\"rollout succeeded\" data-generation=\"2\""), after);
            assertTrue(after.contains("class=\"rollout rolled_back\" data-generation=\"3\""), after);
            assertTrue(after.contains("APP_EXIT"), "the stderr tail of the failure\n" + after);
            for (String pid : pids(List.of(succeeded), "")) {
                assertTrue(after.contains("data-pid=\"" + pid + "\""), "new worker " + pid + " listed\n" + after);
            }
            assertTrue(Files.size(png) > 10_000, "screenshot " + png + " has " + Files.size(png) + " bytes");
        }
    }

    /** The pids of the first line containing {@code marker} ("" = the first line given). */
    private static List<String> pids(List<String> lines, String marker) {
        String line = lines.stream().filter(l -> l.contains(marker)).findFirst().orElseThrow(() -> new AssertionError(marker));
        return List.of(line.replaceAll(".* pids=([0-9,]+).*", "$1").split(","));
    }
}
