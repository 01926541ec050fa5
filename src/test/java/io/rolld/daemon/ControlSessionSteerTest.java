package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.control.ErrorCode;
import io.rolld.control.Json;
import io.rolld.control.Request;
import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import io.rolld.rollout.Steering;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** promote and abort on the wire, against a fake daemon: what each answer looks like. */
class ControlSessionSteerTest {
    @TempDir
    Path dir;

    /** A daemon whose only group's rollout answers {@code steer} with {@code answer}. */
    private record FakeControl(java.util.function.BiFunction<String, Steering.Command, Steering.Answer.Taken> answer)
            implements ControlSession.Control {
        @Override
        public Map<String, Object> status() {
            return Map.of();
        }

        @Override
        public CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> restart(List<String> groups, Consumer<RolloutEvent> watcher) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop() {
        }

        @Override
        public CompletableFuture<Reexec.Ticket> reexec(Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Steering.Answer.Taken steer(String group, Steering.Command command) {
            return answer.apply(group, command);
        }

        @Override
        public List<Map<String, Object>> history(java.util.Optional<String> group, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> rollback(String group, Request.Rollback.Target target,
                                                                                         Consumer<RolloutEvent> watcher) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LogsSession.Groups logs() {
            throw new UnsupportedOperationException();
        }
    }

    private List<Map<String, Object>> exchange(String request, ControlSession.Control control) throws Exception {
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread serving = Thread.ofVirtual().start(() -> {
                try (SocketChannel ch = server.accept()) {
                    ControlSession.serve(ch, control);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<Map<String, Object>> answers = new ArrayList<>();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                Writer out = Channels.newWriter(client, StandardCharsets.UTF_8);
                out.write(request + "\n");
                out.flush();
                BufferedReader in = new BufferedReader(Channels.newReader(client, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    answers.add(Json.object(line));
                }
            }
            serving.join();
            return answers;
        }
    }

    @Test
    void promote_whenTheRolloutBakes_answersAcceptedWithTheStepThenDone() throws Exception {
        var answers = exchange("{\"op\":\"promote\",\"group\":\"app\"}", new FakeControl((g, c) ->
                new Steering.Answer.Taken(c, "canary 1/2", new CompletableFuture<>())));

        assertEquals(List.of(Map.of("type", "accepted", "group", "app", "command", "promote", "step", "canary 1/2"),
                Map.of("type", "done")), answers);
    }

    @Test
    void abort_answersTheRolloutsResultOnceTheOldSetServesAgain() throws Exception {
        var rolledBack = new RolloutResult.Failed("app", 4, Phase.BAKING, "aborted by rolld abort", "", 900);
        var answers = exchange("{\"op\":\"abort\",\"group\":\"app\"}", new FakeControl((g, c) ->
                new Steering.Answer.Taken(c, "bake", CompletableFuture.completedFuture(rolledBack))));

        assertEquals(3, answers.size(), answers.toString());
        assertEquals("accepted", answers.get(0).get("type"));
        assertEquals("result", answers.get(1).get("type"));
        assertEquals("rolled_back", answers.get(1).get("outcome"));
        assertEquals("BAKING", answers.get(1).get("failed_in"));
        assertEquals(Map.of("type", "done"), answers.get(2));
    }

    @Test
    void promote_whenRefused_answersTheCodeAndMessage() throws Exception {
        var answers = exchange("{\"op\":\"promote\",\"group\":\"app\"}", new FakeControl((g, c) -> {
            throw new ControlSession.Refused(ErrorCode.NO_ROLLOUT, "group app has no rollout in progress");
        }));

        assertEquals(List.of(Map.of("type", "error", "code", "no_rollout", "message", "group app has no rollout in progress")), answers);
    }

    @Test
    void abort_withoutAGroup_isABadRequest() throws Exception {
        var answers = exchange("{\"op\":\"abort\"}", new FakeControl((g, c) -> {
            throw new AssertionError("not reached");
        }));

        assertEquals("bad_request", answers.getFirst().get("code"), answers.toString());
    }
}
