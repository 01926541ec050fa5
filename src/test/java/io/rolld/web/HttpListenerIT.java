package io.rolld.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.FreePorts;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.WebClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rolld's HTTP listener: off unless configured, the status JSON, and a taken address refused at start. */
class HttpListenerIT {
    private static final Duration START = Duration.ofSeconds(90);

    @Test
    void apiStatus_whenHttpConfigured_servesWhatStatusJsonShows() throws Exception {
        int port = FreePorts.one();
        Path dir = Files.createDirectories(Project.scratch("http").resolve("status-" + System.nanoTime()));
        Path config = GroupYaml.workers(2).settings("http: 127.0.0.1:" + port).write(dir);
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready ", START);
            assertTrue(rolld.lines().stream().anyMatch(l -> l.contains("event=http_listening address=127.0.0.1:" + port)),
                    rolld.tail());

            Map<String, Object> served = JSON.std.mapFrom(new WebClient(port).body("/api/status"));
            Map<String, Object> printed = JSON.std.mapFrom(statusJson(config));

            assertEquals(workers(printed), workers(served));
            assertEquals(printed.get("pid"), served.get("pid"));
            assertEquals(404, new WebClient(port).get("/nothing-here").statusCode());
        }
    }

    @Test
    void start_whenHttpAddressTaken_refusesAndNamesTheHolder() throws Exception {
        Path dir = Files.createDirectories(Project.scratch("http").resolve("taken-" + System.nanoTime()));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = GroupYaml.workers(2).settings("http: 127.0.0.1:" + taken.getLocalPort()).write(dir);
            try (Rolld rolld = Rolld.start(config)) {
                assertEquals(1, rolld.awaitExit(START), rolld.tail());
                String line = rolld.awaitLine("event=http_failed ", Duration.ofSeconds(5));
                assertTrue(line.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), line);
                assertTrue(line.contains("(listening: pid " + ProcessHandle.current().pid() + ")"), line);
                assertTrue(rolld.lines().stream().noneMatch(l -> l.contains("event=worker_started")), rolld.tail());
            }
        }
    }

    /** Port and pid of every worker of every group. */
    @SuppressWarnings("unchecked")
    static List<List<Object>> workers(Map<String, Object> status) {
        return ((List<Map<String, Object>>) status.get("groups")).stream()
                .flatMap(g -> ((List<Map<String, Object>>) g.get("workers")).stream())
                .map(w -> List.of(w.get("port"), w.get("pid"))).toList();
    }

    static String statusJson(Path config) {
        try (Rolld client = Rolld.launch(List.of(Project.root().resolve("scripts").resolve("rolld").toString(),
                "status", "--json", "-c", config.toString()), Project.root(), "status")) {
            assertEquals(0, client.awaitExit(Duration.ofSeconds(30)), client.tail());
            return String.join("\n", client.lines());
        }
    }
}
