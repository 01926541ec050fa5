package io.rolld.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** example/app.py, the worker every end-to-end test runs behind rolld. */
class ExampleAppIT {
    private static final Duration LOAD = Duration.ofSeconds(2);

    @Test
    void get_answersHelloWithPidPortAndGeneration() throws IOException {
        try (ExampleApp app = ExampleApp.start(FreePorts.one(), Map.of("ROLLD_GENERATION", "7"));
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.port())) {
            List<String> response = get(socket, app.port());

            assertEquals("HTTP/1.1 200 OK", response.getFirst());
            assertEquals("hello from pid " + app.pid() + " port " + app.port() + " generation 7", response.getLast());
            assertEquals(Optional.of(app.pid()), ListeningSockets.pidListeningOn(app.port()));
        }
    }

    @Test
    void get_whenAppFailIsSet_answers500() {
        try (ExampleApp app = ExampleApp.start(FreePorts.one(), Map.of("APP_FAIL", "1"));
                HttpLoad load = HttpLoad.start(app.port(), 1, LOAD, 5)) {
            HttpLoadReport report = load.awaitDone(LOAD.plusSeconds(5));

            assertEquals(5, report.status5xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }

    @Test
    void term_duringKeepAlive_answersWithConnectionCloseAndExitsZero() throws IOException {
        try (ExampleApp app = ExampleApp.start(FreePorts.one());
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.port())) {
            assertEquals("HTTP/1.1 200 OK", get(socket, app.port()).getFirst());

            Signals.send(app.pid(), "TERM");
            Polling.require(() -> !ListeningSockets.accepts(app.port()), Duration.ofSeconds(5),
                    "app.py to close its listening socket");
            List<String> during = get(socket, app.port()); // same keep-alive connection, still served

            assertEquals("HTTP/1.1 200 OK", during.getFirst());
            assertTrue(during.contains("Connection: close"), "headers: " + during);
            assertEquals(0, app.awaitExit(Duration.ofSeconds(10)), app.output());
            assertTrue(app.output().contains("stopped pid " + app.pid() + " on SIGTERM"), app.output());
        }
    }

    @Test
    void term_withAnIdleKeepAliveConnection_closesItAndExitsZero() throws IOException {
        try (ExampleApp app = ExampleApp.start(FreePorts.one());
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.port())) {
            assertEquals("HTTP/1.1 200 OK", get(socket, app.port()).getFirst());

            Signals.send(app.pid(), "TERM");
            int exit = app.awaitExit(Duration.ofSeconds(5)); // idle grace is 0.5 s, hard deadline 10 s

            assertEquals(0, exit, app.output());
            assertEquals(-1, socket.getInputStream().read(), "the idle connection should be closed");
            assertTrue(app.output().contains("idle connections closed 1, left open 0"), app.output());
        }
    }

    @Test
    void term_underLoad_answersEveryAcceptedRequest() {
        try (ExampleApp app = ExampleApp.start(FreePorts.one());
                HttpLoad load = HttpLoad.start(app.port(), 4, LOAD, 1_000_000)) {
            load.awaitCompleted(500, LOAD);

            Signals.send(app.pid(), "TERM");
            int exit = app.awaitExit(Duration.ofSeconds(10));
            HttpLoadReport report = load.stop();
            System.out.println(report);

            assertEquals(0, exit, app.output());
            // Once the listening socket is closed, new connections are refused (or reset, if they
            // were still in the accept queue): expected here, with no front to retry them. No
            // response that had started may break, and no request may hang.
            assertEquals(0, report.brokenResponse() + report.timeouts() + report.otherErrors(), report.toString());
            assertEquals(0, report.non2xx(), report.toString());
            assertTrue(report.serverClosed() > 0 || report.idleClosed() > 0, report.toString());
        }
    }

    /** Sends GET / on an open connection; returns the status line, headers, and body line. */
    private static List<String> get(Socket socket, int port) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.setSoTimeout(5_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        int length = -1;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            lines.add(line);
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        assertFalse(lines.isEmpty(), "no response");
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            int n = in.read(body, read, length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        lines.add(new String(body, 0, read).strip());
        return lines;
    }
}
