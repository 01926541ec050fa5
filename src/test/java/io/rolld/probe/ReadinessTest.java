package io.rolld.probe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.rolld.config.SmokeTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReadinessTest {
    /** A generous request timeout: a cold WireMock on a busy machine can take over a second to answer. */
    private static final SmokeTest.Http ROOT_2XX = new SmokeTest.Http("/", Optional.empty(), Optional.empty(), Duration.ofSeconds(20));
    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private Readiness.Outcome await(SmokeTest test, Duration timeout) throws InterruptedException {
        return new Readiness(List.of(test)).await(List.of(server.port()), timeout, port -> Optional.empty(), new CompletableFuture<>());
    }

    @Test
    void await_whenTheAppAnswers503ThenOk_pollsUntilReady() throws Exception {
        server.stubFor(get("/").inScenario("boot").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up1"));
        server.stubFor(get("/").inScenario("boot").whenScenarioStateIs("up1")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up2"));
        server.stubFor(get("/").inScenario("boot").whenScenarioStateIs("up2")
                .willReturn(aResponse().withStatus(200)));
        Readiness.Passed passed = assertInstanceOf(Readiness.Passed.class, await(ROOT_2XX, Duration.ofSeconds(10)));
        assertTrue(passed.attempts() >= 3, "attempts=" + passed.attempts());
        server.verify(3, getRequestedFor(urlEqualTo("/")));
    }

    @Test
    void await_whenTheAppAlwaysAnswers500_failsAtTheDeadlineWithTheLastAnswer() throws Exception {
        server.stubFor(get("/").willReturn(aResponse().withStatus(500).withBody("db down")));
        Readiness.Failed failed = assertInstanceOf(Readiness.Failed.class, await(ROOT_2XX, Duration.ofMillis(300)));
        assertTrue(failed.reason().contains("answered 500 (expected 2xx): db down"), failed.reason());
        assertTrue(failed.elapsedMs() >= 300);
    }

    @Test
    void await_whenTheAppIsSlowerThanTheRequestTimeout_reportsItUnreachable() throws Exception {
        server.stubFor(get("/").willReturn(aResponse().withStatus(200).withFixedDelay(2000)));
        SmokeTest.Http quick = new SmokeTest.Http("/", Optional.empty(), Optional.empty(), Duration.ofMillis(200));
        Readiness.Failed failed = assertInstanceOf(Readiness.Failed.class, await(quick, Duration.ofMillis(500)));
        assertTrue(failed.reason().contains("unreachable"), failed.reason());
    }

    @Test
    void await_whenTheConnectionIsReset_keepsPollingAndReportsTheReset() throws Exception {
        server.stubFor(get("/").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        Readiness.Failed failed = assertInstanceOf(Readiness.Failed.class, await(ROOT_2XX, Duration.ofSeconds(1)));
        assertTrue(failed.attempts() > 1, "attempts=" + failed.attempts());
        assertTrue(failed.reason().contains("unreachable"), failed.reason());
    }

    @Test
    void await_whenEveryPortIsSlow_probesThemAtOnceAndGivesUpAfterThatRound() throws Exception {
        WireMockServer second = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        second.start();
        try {
            for (WireMockServer s : List.of(server, second)) {
                s.stubFor(get("/").willReturn(aResponse().withStatus(503).withFixedDelay(1000)));
            }
            SmokeTest.Http patient = new SmokeTest.Http("/", Optional.empty(), Optional.empty(), Duration.ofSeconds(5));
            Readiness.Outcome outcome = new Readiness(List.of(patient)).await(List.of(server.port(), second.port()),
                    Duration.ofMillis(300), port -> Optional.empty(), new CompletableFuture<>());
            Readiness.Failed failed = assertInstanceOf(Readiness.Failed.class, outcome);
            // Both ports are probed at once, and the round that ends past the deadline is the last:
            // one round of one-second answers, not one per port.
            assertEquals(1, failed.attempts(), failed.toString());
            server.verify(1, getRequestedFor(urlEqualTo("/")));
            second.verify(1, getRequestedFor(urlEqualTo("/")));
            assertTrue(failed.reason().contains("not ready after 300ms"), failed.reason());
        } finally {
            second.stop();
        }
    }

    @Test
    void await_followsARedirectToAHealthyPage() throws Exception {
        server.stubFor(get("/").willReturn(aResponse().withStatus(302).withHeader("Location", "/home")));
        server.stubFor(get("/home").willReturn(aResponse().withStatus(200)));
        assertInstanceOf(Readiness.Passed.class, await(ROOT_2XX, Duration.ofSeconds(5)));
    }

    @Test
    void await_withExpectedStatusAndBody_rejectsAnotherBody() throws Exception {
        server.stubFor(get("/health").willReturn(aResponse().withStatus(200).withBody("starting")));
        // The round that passes the short deadline still waits for the answer: the reason is the body.
        SmokeTest.Http health = new SmokeTest.Http("/health", Optional.of(200), Optional.of("ok"), Duration.ofSeconds(20));
        Readiness.Failed failed = assertInstanceOf(Readiness.Failed.class, await(health, Duration.ofMillis(300)));
        assertTrue(failed.reason().contains("without 'ok' in the body"), failed.reason());
    }

    @Test
    void await_whenTheCallerReportsAnExitedWorker_failsAtOnce() throws Exception {
        Readiness.Outcome outcome = new Readiness(List.of(ROOT_2XX)).await(List.of(server.port()), Duration.ofSeconds(30),
                port -> Optional.of("worker exited during the smoke test (exit status 1)"), new CompletableFuture<>());
        Readiness.Failed failed = assertInstanceOf(Readiness.Failed.class, outcome);
        assertTrue(failed.elapsedMs() < 5000);
        assertTrue(failed.reason().contains("exit status 1"));
    }

    @Test
    @Timeout(60)
    void await_whenAWorkerExitsBetweenRounds_endsThePauseAtOnce() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CompletableFuture<Void> exited = new CompletableFuture<>();
        // A pause of an hour between rounds: only the exit can end it within the test's time.
        Readiness readiness = new Readiness(List.of(new SmokeTest.Tcp(Duration.ofMillis(200))), Duration.ofHours(1));

        Readiness.Outcome outcome = readiness.await(List.of(closed), Duration.ofHours(2), port -> {
            if (exited.isDone()) {
                return Optional.of("worker exited during the smoke test (exit status 3)");
            }
            exited.complete(null); // the worker exits right after this round was started
            return Optional.empty();
        }, exited);

        Readiness.Failed failed = assertInstanceOf(Readiness.Failed.class, outcome);
        assertEquals(1, failed.attempts(), failed.toString());
        assertTrue(failed.reason().contains("exit status 3"), failed.reason());
    }

    @Test
    void await_tcp_passesOnAListeningPortAndFailsOnAClosedOne() throws Exception {
        SmokeTest.Tcp tcp = new SmokeTest.Tcp(Duration.ofMillis(200));
        assertInstanceOf(Readiness.Passed.class, await(tcp, Duration.ofSeconds(2)));
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Readiness.Outcome outcome = new Readiness(List.of(tcp)).await(List.of(closed), Duration.ofMillis(200), p -> Optional.empty(), new CompletableFuture<>());
        assertInstanceOf(Readiness.Failed.class, outcome);
    }
}
