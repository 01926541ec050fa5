package io.rolld.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.os.ProcNetTcp;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
}
