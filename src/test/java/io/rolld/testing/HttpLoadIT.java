package io.rolld.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpLoadIT {
    private static final Duration MAX = Duration.ofSeconds(5);

    @Test
    void start_stopsAtTheRequestLimit_countingEveryResponse() {
        try (ExampleApp app = ExampleApp.start(FreePorts.one());
                HttpLoad load = HttpLoad.start(app.port(), 4, MAX, 2_000)) {
            HttpLoadReport report = load.awaitDone(MAX.plusSeconds(5));

            assertEquals(2_000, report.requests(), report.toString());
            assertEquals(2_000, report.status2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
            assertEquals(java.util.Set.of(app.pid()), report.pids(), report.toString());
        }
    }

    @Test
    void start_stopsAtTheDurationLimit() {
        try (ExampleApp app = ExampleApp.start(FreePorts.one());
                HttpLoad load = HttpLoad.start(app.port(), 2, Duration.ofMillis(500), Long.MAX_VALUE)) {
            HttpLoadReport report = load.awaitDone(MAX);

            assertTrue(report.elapsed().compareTo(Duration.ofSeconds(3)) < 0, report.toString());
            assertTrue(report.status2xx() > 0, report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }

    @Test
    void start_whenNothingListens_countsConnectRefused() {
        try (HttpLoad load = HttpLoad.start(FreePorts.one(), 1, MAX, 10)) {
            HttpLoadReport report = load.awaitDone(MAX.plusSeconds(5));

            assertEquals(10, report.connectRefused(), report.toString());
            assertEquals(10, report.errors(), report.toString());
            assertEquals(0, report.status2xx(), report.toString());
        }
    }

    @Test
    void keepAlive_whenServerClosesIdleConnection_retriesAndCountsIdleClosed() throws Exception {
        // A server that answers one request per connection as keep-alive, then closes it: the
        // client's next request on that connection meets EOF/reset before any response byte.
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofPlatform().daemon().start(() -> answerOncePerConnection(server));
            try (HttpLoad load = HttpLoad.start(server.getLocalPort(), 1, MAX, 3)) {
                HttpLoadReport report = load.awaitDone(MAX.plusSeconds(5));

                assertEquals(3, report.status2xx(), report.toString());
                assertEquals(2, report.idleClosed(), report.toString());
                assertEquals(0, report.errors(), report.toString());
            } finally {
                server.close();
                serving.join(Duration.ofSeconds(5));
            }
        }
    }

    private static void answerOncePerConnection(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    // request head
                }
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".getBytes(US_ASCII));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // the server socket was closed: the test is over
            }
        }
    }
}
