package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The README's first command, as a user runs it: {@code scripts/demo}, a request through nginx on
 * 127.0.0.1:8080, then {@code killall -HUP rolld}. This is the one test that uses killall: it is
 * the documented user path under test, and the daemon's process name is what it proves.
 */
@Isolated("killall -HUP reaches every rolld, and scripts/demo rebuilds the jar other tests run")
class DemoIT {
    @Test
    void killallHup_againstTheDemo_rollsToTheOtherWorkset() throws Exception {
        try (Rolld demo = Rolld.launch(List.of(Project.root().resolve("scripts/demo").toString()), Project.root(), "demo")) {
            String first = demo.awaitLine("event=rollout_succeeded group=app-servers generation=1 ", Duration.ofSeconds(120));
            assertTrue(first.contains("ports=8001,8002,8003,8004"), first);
            demo.awaitLine("event=ready ", Duration.ofSeconds(10));
            assertTrue(get().startsWith("hello from pid"), "nginx on 8080 answers through a worker");

            int from = demo.lines().size();
            Process killall = new ProcessBuilder("killall", "-HUP", "rolld").inheritIO().start();
            assertEquals(0, killall.waitFor(), "killall found a process named rolld");
            String second = demo.awaitLineAfter(from, "event=rollout_succeeded group=app-servers generation=2 ", Duration.ofSeconds(120));
            assertTrue(second.contains("ports=8501,8502,8503,8504"), second);
            List<Long> oldPids = Arrays.stream(second.replaceAll(".* old_pids=([0-9,]+).*", "$1").split(","))
                    .map(Long::parseLong).toList();
            ProcessAssertions.assertGone(oldPids, Duration.ofSeconds(20));
            assertTrue(get().contains("generation 2"), "the new generation serves");
        }
    }

    private static String get() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        }
    }
}
