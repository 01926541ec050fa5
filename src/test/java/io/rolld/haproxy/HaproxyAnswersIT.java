package io.rolld.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Haproxy;
import io.rolld.testing.HaproxyBackend;
import io.rolld.testing.HaproxyTranscript;
import io.rolld.testing.Project;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The recordings {@link HaproxyRecordedTest} replays are what the real HAProxy answers: each
 * scenario of {@link HaproxyScenarios} runs against a fresh Debian HAProxy (admin socket on
 * 127.0.0.1, so the TCP transport is the one used here) and its transcript must match the
 * recording, command for command; tables ({@code show servers state}, {@code show stat}) are
 * compared as rolld reads them, since they carry timers and counters. Run with
 * {@code -Drolld.haproxy.record=true} to write the recordings again (after an HAProxy upgrade).
 */
class HaproxyAnswersIT {
    private static final boolean RECORD = Boolean.getBoolean("rolld.haproxy.record");

    @Test
    void rollouts() throws Exception {
        check("rollouts", HaproxyScenarios::rollouts);
    }

    @Test
    void undo() throws Exception {
        check("undo", HaproxyScenarios::undo);
    }

    @Test
    void wrongBackend() throws Exception {
        check("wrong-backend", HaproxyScenarios::wrongBackend);
    }

    @Test
    void weightsRefused() throws Exception {
        check("weights-refused", HaproxyScenarios::weightsRefused);
    }

    @Test
    void refusals() throws Exception {
        check("refusals", HaproxyScenarios::refusals);
    }

    @Test
    void tooFewSlots() throws Exception {
        check("too-few-slots", HaproxyScenarios::tooFewSlots);
    }

    /** A worker that accepts and never answers, on a free port written as {@link HaproxyScenarios#SILENT} in the recording. */
    @Test
    void sessionInFlight() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            int port = silent.getLocalPort();
            CountDownLatch accepted = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    accepted.countDown();
                    s.getInputStream().readAllBytes(); // the request stays unanswered until HAProxy gives up on it
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            Socket[] client = new Socket[1];
            try {
                check("session-in-flight", port, (api, haproxy) -> HaproxyScenarios.sessionInFlight(api, port, () -> {
                    client[0] = new Socket(InetAddress.getLoopbackAddress(), haproxy.port());
                    OutputStream out = client[0].getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    assertTrue(accepted.await(30, TimeUnit.SECONDS), "HAProxy passed the request on");
                }));
            } finally {
                if (client[0] != null) {
                    client[0].close();
                }
            }
        }
    }

    private interface Run {
        List<Object> run(RuntimeApi api, Haproxy haproxy) throws Exception;
    }

    private static void check(String name, HaproxyScenarios.Scenario scenario) throws Exception {
        check(name, 0, (api, haproxy) -> scenario.run(api));
    }

    /** {@code silentPort}: written as {@link HaproxyScenarios#SILENT} in the recording (0: none). */
    private static void check(String name, int silentPort, Run scenario) throws Exception {
        Path dir = Files.createTempDirectory(Project.scratch("haproxy-answers"), name + "-");
        Path backend = dir.resolve("backend.cfg");
        HaproxyBackend.writeEmpty(backend);
        Files.writeString(backend, "backend " + HaproxyScenarios.STATIC_BACKEND + "\n    balance static-rr\n"
                + "    server-template s 1-8 127.0.0.1:1 disabled\n", java.nio.file.StandardOpenOption.APPEND);
        HaproxyTranscript actual = HaproxyTranscript.empty();
        try (Haproxy haproxy = Haproxy.withTcpAdmin(backend).start()) {
            scenario.run(new RuntimeApi(actual.recording(new AdminSocketTransport(haproxy.adminSocket()))), haproxy);
        }
        HaproxyTranscript real = silentPort == 0 ? actual : renumbered(actual, silentPort, dir);
        Path recording = HaproxyTranscript.DIR.resolve(name + ".txt");
        if (RECORD) {
            real.write(recording, List.of("Recorded by HaproxyAnswersIT (-Drolld.haproxy.record=true) from " + version()
                    + ", scenario " + name + " of HaproxyScenarios."));
            return;
        }
        assertTrue(Files.exists(recording), recording + " is missing: run HaproxyAnswersIT with -Drolld.haproxy.record=true");
        List<HaproxyTranscript.Exchange> recorded = HaproxyTranscript.load(recording).exchanges();
        List<HaproxyTranscript.Exchange> seen = real.exchanges();
        assertEquals(recorded.stream().map(HaproxyTranscript.Exchange::command).toList(),
                seen.stream().map(HaproxyTranscript.Exchange::command).toList(), "the commands of " + name);
        for (int i = 0; i < recorded.size(); i++) {
            assertEquals(asRead(recorded.get(i)), asRead(seen.get(i)), "the answer to '" + recorded.get(i).command() + "'");
        }
    }

    /** A table as rolld reads it (a refusal as its text); any other answer as it is. */
    private static Object asRead(HaproxyTranscript.Exchange e) {
        RuntimeApi api = new RuntimeApi(command -> e.answer());
        String[] words = e.command().split(" ");
        try {
            if (e.command().startsWith("show servers state ")) {
                return api.servers(words[3]);
            }
            if (e.command().startsWith("show stat ")) {
                return api.sessions(words[2]);
            }
        } catch (Refused | java.io.IOException refused) {
            return refused.getMessage();
        }
        return e.answer();
    }

    private static HaproxyTranscript renumbered(HaproxyTranscript actual, int port, Path dir) {
        Path file = dir.resolve("actual.txt");
        actual.write(file, List.of());
        try {
            Files.writeString(file, Pattern.compile("\\b" + port + "\\b").matcher(Files.readString(file))
                    .replaceAll(String.valueOf(HaproxyScenarios.SILENT)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return HaproxyTranscript.load(file);
    }

    private static String version() throws Exception {
        Process p = new ProcessBuilder(Haproxy.binary(), "-v").redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
            String first = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("haproxy");
            p.waitFor();
            return first.replaceAll(" - https?://\\S+", "");
        }
    }
}
