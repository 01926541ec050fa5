package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.testing.GroupYaml;
import io.rolld.testing.ListeningSockets;
import io.rolld.testing.Rolld;
import io.rolld.testing.Signals;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The envdir is read at every rollout: its changes reach the next generation, not the running one. */
class EnvdirIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void envdirChange_isSeenByTheNextGeneration_notByRunningOrRespawnedWorkers() throws Exception {
        Path envdir = Files.createDirectory(dir.resolve("env"));
        Files.writeString(envdir.resolve("GREETING"), "one\n");
        GroupYaml group = GroupYaml.workers(1).with("envdir: '" + envdir + "'", "respawn: {backoff: 100ms}");
        int first = group.firstPorts().getFirst();
        int second = group.secondPorts().getFirst();
        try (Rolld rolld = Rolld.start(group.write(dir))) {
            rolld.awaitLine("event=ready", WAIT);
            assertEquals("200 one", get(first, "GREETING"));

            Files.writeString(envdir.resolve("GREETING"), "two\n");
            int before = rolld.lines().size();
            Signals.send(ListeningSockets.pidListeningOn(first).orElseThrow(), "KILL");
            rolld.awaitLineAfter(before, "event=worker_respawned", WAIT);
            ListeningSockets.awaitAccepting(first, WAIT, "the respawned worker");
            assertEquals("200 one", get(first, "GREETING"), "a respawned worker keeps its generation's environment");

            before = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(before, "event=rollout_succeeded group=app generation=2", WAIT);
            assertEquals("200 two", get(second, "GREETING"));

            Files.delete(envdir.resolve("GREETING"));
            before = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(before, "event=rollout_succeeded group=app generation=3", WAIT);
            assertEquals("404 unset", get(first, "GREETING"), "a removed file unsets the variable");
        }
    }

    /** A client per request, closed after it: a kept-alive connection would hold the old worker's drain. */
    private static String get(int port, String variable) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return get(http, port, variable);
        }
    }

    private static String get(HttpClient http, int port, String variable) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/env/" + variable))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().strip();
    }
}
