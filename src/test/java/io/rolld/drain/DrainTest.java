package io.rolld.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.os.ProcNetTcp;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DrainTest {
    private final Drain drain = new Drain(ProcNetTcp.system());

    @Test
    void await_whenConnectionsNeverClose_returnsWhatIsLeftAtTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            Drain.Result result = drain.await(Set.of(server.getLocalPort()), Duration.ofMillis(200));
            assertFalse(result.drained());
            assertEquals(java.util.Map.of(server.getLocalPort(), 1), result.remaining());
            assertTrue(result.elapsedMs() >= 200);
        }
    }

    @Test
    void await_whenTheLastConnectionCloses_returnsDrainedBeforeTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket accepted = server.accept();
            CompletableFuture<Drain.Result> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return drain.await(Set.of(server.getLocalPort()), Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertFalse(waiting.isDone());
            client.close();
            accepted.close();
            Drain.Result result = waiting.get();
            assertTrue(result.drained());
            assertTrue(result.elapsedMs() < 20_000);
        }
    }

    /** A front with {@code sessions} open on every port asked about; its release closes {@code held} (its idle connections). */
    private static final class FakeFront implements FrontSessions {
        final AtomicInteger sessions = new AtomicInteger();
        final List<Set<Integer>> released = new CopyOnWriteArrayList<>();
        final List<Socket> held = new ArrayList<>();
        final AtomicInteger readsBeforeRelease = new AtomicInteger();

        @Override
        public Map<Integer, Integer> open(Set<Integer> ports) {
            if (released.isEmpty()) {
                readsBeforeRelease.incrementAndGet();
            }
            int n = sessions.get();
            return n == 0 ? Map.of() : Map.of(ports.iterator().next(), n);
        }

        @Override
        public void release(Set<Integer> ports) throws IOException {
            released.add(ports);
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void await_withAFrontHoldingIdleConnections_releasesThemOnceItsSessionsEndedThenDrains() throws Exception {
        FakeFront front = new FakeFront();
        front.sessions.set(1);
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Socket idle = new Socket(InetAddress.getLoopbackAddress(), port);
            Socket accepted = server.accept();
            front.held.add(idle);
            CompletableFuture<Drain.Result> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    Drain.Result r = new Drain(ProcNetTcp.system(), Optional.of(front)).await(Set.of(port), Duration.ofSeconds(30));
                    accepted.close();
                    return r;
                } catch (InterruptedException | IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            while (front.readsBeforeRelease.get() < 2) {
                Thread.onSpinWait();
            }
            assertTrue(front.released.isEmpty(), "nothing released while a session is open");
            front.sessions.set(0);

            Drain.Result result = waiting.get();

            assertTrue(result.drained(), result.toString());
            assertEquals(List.of(Set.of(port)), front.released);
        }
    }

    @Test
    void await_whenTheFrontsSessionsNeverEnd_releasesAtTheDeadlineAndReportsThem() throws Exception {
        FakeFront front = new FakeFront();
        front.sessions.set(2);

        Drain.Result result = new Drain(ProcNetTcp.system(), Optional.of(front)).await(Set.of(1), Duration.ofMillis(200));

        assertEquals(Map.of(1, 2), result.remaining());
        assertTrue(result.elapsedMs() >= 200);
        assertEquals(List.of(Set.of(1)), front.released, "released all the same: the old set stops next");
    }

    @Test
    void await_whenTheFrontCannotBeAsked_waitsForTheKernelsCountAlone() throws Exception {
        FrontSessions unreachable = new FrontSessions() {
            @Override
            public Map<Integer, Integer> open(Set<Integer> ports) throws IOException {
                throw new IOException("HAProxy refused 'show servers state nosuch': Can't find backend.");
            }

            @Override
            public void release(Set<Integer> ports) {
                throw new AssertionError("nothing to release on a front that cannot be asked");
            }
        };
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            Drain.Result result = new Drain(ProcNetTcp.system(), Optional.of(unreachable))
                    .await(Set.of(server.getLocalPort()), Duration.ofMillis(200));

            assertEquals(Map.of(server.getLocalPort(), 1), result.remaining(), "the kernel's count, at the deadline");
        }
    }
}
