package io.rolld.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lines as clients and daemons of earlier builds wrote them (docs/operation.md, "The control
 * protocol"): each decodes to its record and encodes back to the very same bytes, so a rolld
 * re-executed into this build still talks to an older client, and this client to an older rolld.
 */
class WireCompatibilityTest {
    private static final Instant STARTED = Instant.parse("2026-12-03T07:42:01.162547370Z");

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("{\"op\":\"status\"}", new Request.Status()),
                Arguments.of("{\"op\":\"restart\",\"groups\":[\"app\",\"api\"],\"wait\":true}", new Request.Restart(List.of("app", "api"), true)),
                Arguments.of("{\"op\":\"restart\",\"groups\":[],\"wait\":false}", new Request.Restart(List.of(), false)),
                Arguments.of("{\"op\":\"stop\"}", new Request.Stop()),
                Arguments.of("{\"op\":\"reexec\",\"timeout_ms\":300000}", new Request.Reexec(Optional.of(Duration.ofMinutes(5)))),
                Arguments.of("{\"op\":\"promote\",\"group\":\"app\"}", new Request.Promote("app")),
                Arguments.of("{\"op\":\"abort\",\"group\":\"app\"}", new Request.Abort("app")),
                Arguments.of("{\"op\":\"logs\",\"groups\":[\"app\"],\"lines\":20,\"follow\":true,\"since_ms\":1764747721162}",
                        new Request.Logs(List.of("app"), 20, true, Optional.of(Instant.ofEpochMilli(1764747721162L)))),
                Arguments.of("{\"op\":\"logs\",\"groups\":[],\"lines\":0,\"follow\":false}", new Request.Logs(List.of(), 0, false, Optional.empty())),
                Arguments.of("{\"op\":\"history\",\"limit\":10,\"group\":\"app\"}", new Request.History(10, Optional.of("app"))),
                Arguments.of("{\"op\":\"history\",\"limit\":3}", new Request.History(3, Optional.empty())),
                Arguments.of("{\"op\":\"rollback\",\"group\":\"app\",\"to\":7,\"wait\":true}",
                        new Request.Rollback("app", new Request.Rollback.Target.Generation(7), true)),
                Arguments.of("{\"op\":\"rollback\",\"group\":\"app\",\"release\":\"/srv/app/releases/7\",\"wait\":false}",
                        new Request.Rollback("app", new Request.Rollback.Target.ReleaseDirectory(Path.of("/srv/app/releases/7")), false)),
                Arguments.of("{\"op\":\"rollback\",\"group\":\"app\",\"wait\":true}",
                        new Request.Rollback("app", new Request.Rollback.Target.Previous(), true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void request_asAnEarlierClientWroteIt_decodesToItsRecordAndEncodesToTheSameLine(String line, Request record) throws Exception {
        Request decoded = Request.decode(line);
        assertEquals(record, decoded);
        assertEquals(line, decoded.line());
    }

    static Stream<Arguments> answers() {
        Map<String, Object> transition = new LinkedHashMap<>();
        transition.put("group", "sl");
        transition.put("generation", 2);
        transition.put("state", "CHECKING");
        transition.put("ports", List.of(42003, 42004));
        transition.put("elapsed_ms", 31);
        transition.put("own_ms", 4);
        return Stream.of(
                Arguments.of("{\"type\":\"error\",\"code\":\"no_rollout\",\"message\":\"group app has no rollout in progress\"}",
                        new Answer.Error(ErrorCode.NO_ROLLOUT, "group app has no rollout in progress")),
                Arguments.of("{\"type\":\"accepted\",\"groups\":[\"sl\"],\"op\":\"restart\"}", new Answer.Accepted(List.of("sl"), "restart")),
                Arguments.of("{\"type\":\"accepted\",\"group\":\"app\",\"command\":\"promote\",\"step\":\"canary 1/2\"}",
                        new Answer.SteerAccepted("app", "promote", "canary 1/2")),
                Arguments.of("{\"type\":\"transition\",\"group\":\"sl\",\"generation\":2,\"state\":\"CHECKING\",\"ports\":[42003,42004],"
                        + "\"elapsed_ms\":31,\"own_ms\":4}", new Answer.Event("transition", transition)),
                Arguments.of("{\"type\":\"result\",\"group\":\"sl\",\"generation\":2,\"outcome\":\"succeeded\",\"ports\":[42003,42004],"
                        + "\"pids\":[26481,26483],\"old_pids\":[25921,25924],\"elapsed_ms\":152,\"finished_at\":\"2026-12-03T07:42:05.058906585Z\"}",
                        new Answer.Result("sl", 2, new Answer.Result.Outcome.Succeeded(List.of(42003, 42004), List.of(26481L, 26483L),
                                List.of(25921L, 25924L)), 152, Optional.of(Instant.parse("2026-12-03T07:42:05.058906585Z")))),
                Arguments.of("{\"type\":\"result\",\"group\":\"app\",\"generation\":4,\"outcome\":\"rolled_back\",\"failed_in\":\"BAKING\","
                        + "\"reason\":\"aborted by rolld abort during bake\",\"detail\":\"\",\"elapsed_ms\":900,\"finished_at\":\"2026-12-03T07:42:05Z\"}",
                        new Answer.Result("app", 4, new Answer.Result.Outcome.RolledBack("BAKING", "aborted by rolld abort during bake", ""),
                                900, Optional.of(Instant.parse("2026-12-03T07:42:05Z")))),
                Arguments.of("{\"type\":\"done\"}", new Answer.Done()),
                Arguments.of("{\"type\":\"stopping\",\"pid\":25470}", new Answer.Stopping(25470)),
                Arguments.of("{\"type\":\"reexecing\",\"pid\":25470,\"version\":\"0.1.0\",\"new_version\":\"0.2.0\","
                        + "\"started\":\"2026-12-03T07:42:01.162547370Z\"}", new Answer.Reexecing(25470, "0.1.0", "0.2.0", STARTED)),
                Arguments.of("{\"type\":\"status\",\"report\":{\"pid\":25470,\"daemon\":{\"pid\":25470,\"ready\":true},\"groups\":[]}}",
                        new Answer.Status(Map.of("pid", 25470, "daemon", Map.of("pid", 25470, "ready", true), "groups", List.of()))),
                Arguments.of("{\"type\":\"history\",\"records\":[{\"group\":\"app\",\"generation\":3,\"result\":\"succeeded\"}]}",
                        new Answer.History(List.of(Map.of("group", "app", "generation", 3, "result", "succeeded")))),
                Arguments.of("{\"type\":\"sources\",\"groups\":[{\"group\":\"app\",\"files\":[{\"path\":\"/srv/app/log/app-8501.log\","
                        + "\"streams\":[\"out\",\"err\"],\"slots\":[8501]}],\"workers\":[{\"slot\":8501,\"port\":8501,\"pid\":4242,\"generation\":3,"
                        + "\"started_ms\":1764747721162,\"serving\":true},{\"slot\":8501,\"port\":8501,\"pid\":4100,\"generation\":2,"
                        + "\"started_ms\":1764747700000,\"ended_ms\":1764747722000,\"serving\":false}],\"to_rollds_output\":[\"err\"]}]}",
                        new Answer.Sources(List.of(new Answer.Sources.GroupSources("app",
                                List.of(new Answer.Sources.File("/srv/app/log/app-8501.log", List.of("out", "err"), List.of(8501))),
                                List.of(new Answer.Sources.Worker(8501, 8501, 4242, 3, 1764747721162L, OptionalLong.empty(), true),
                                        new Answer.Sources.Worker(8501, 8501, 4100, 2, 1764747700000L, OptionalLong.of(1764747722000L), false)),
                                List.of("err"))))),
                Arguments.of("{\"type\":\"line\",\"time_ms\":1764747721162,\"level\":\"INFO\",\"group\":\"app\",\"line\":\"event=ready groups=1\","
                        + "\"fields\":{\"event\":\"ready\",\"groups\":\"1\"}}",
                        new Answer.Line(1764747721162L, "INFO", Optional.of("app"), "event=ready groups=1", Map.of("event", "ready", "groups", "1"))),
                Arguments.of("{\"type\":\"line\",\"time_ms\":1764747721162,\"level\":\"WARN\",\"line\":\"event=stale_socket\",\"fields\":{}}",
                        new Answer.Line(1764747721162L, "WARN", Optional.empty(), "event=stale_socket", Map.of())),
                Arguments.of("{\"type\":\"caught_up\"}", new Answer.CaughtUp()),
                Arguments.of("{\"type\":\"dropped\",\"lines\":12}", new Answer.Dropped(12)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void answer_asAnEarlierDaemonWroteIt_decodesToItsRecordAndEncodesToTheSameLine(String line, Answer record) throws Exception {
        Answer decoded = Answer.decode(line);
        assertEquals(record, decoded);
        assertEquals(line, decoded.line());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void answer_encodedFromItsRecord_decodesToAnEqualRecord(String line, Answer record) throws Exception {
        assertEquals(record, Answer.decode(record.line()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void request_encodedFromItsRecord_decodesToAnEqualRecord(String line, Request record) throws Exception {
        assertEquals(record, Request.decode(record.line()));
    }

    @Test
    void everyKindOfMessage_hasARecordedLine() {
        assertEquals(kinds(Request.class), requests().map(a -> a.get()[1].getClass()).collect(Collectors.toSet()),
                "a new request needs its line here: what an earlier build's daemon must still read");
        assertEquals(kinds(Answer.class), answers().map(a -> a.get()[1].getClass()).collect(Collectors.toSet()),
                "a new answer needs its line here: what an earlier build's client must still read");
    }

    private static Set<Class<?>> kinds(Class<?> sealed) {
        return Set.of(sealed.getPermittedSubclasses());
    }

    @Test
    void everyErrorCode_survivesTheWire() throws Exception {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(new Answer.Error(code, "why"), Answer.decode(new Answer.Error(code, "why").line()));
        }
        assertEquals("\"request_too_large\"", "\"" + ErrorCode.REQUEST_TOO_LARGE.wire() + "\"");
    }

    @Test
    void answer_ofATypeThisBuildDoesNotKnow_isAnEventAClientPassesOver() throws Exception {
        Answer.Event e = assertInstanceOf(Answer.Event.class, Answer.decode("{\"type\":\"worker_adopted\",\"group\":\"app\",\"pid\":7}"));
        assertEquals("worker_adopted", e.name());
        assertEquals("app", e.group());
    }

    @Test
    void decode_ofWhatIsNotAMessage_saysWhatIsWrong() {
        assertTrue(assertThrows(MalformedMessage.class, () -> Request.decode("status")).getMessage().startsWith("not a JSON object"));
        assertEquals("unknown op nap (one of status, restart, stop, reexec, promote, abort, logs, history, rollback)",
                assertThrows(MalformedMessage.class, () -> Request.decode("{\"op\":\"nap\"}")).getMessage());
        assertEquals("abort needs a group: {\"op\":\"abort\",\"group\":\"NAME\"}",
                assertThrows(MalformedMessage.class, () -> Request.decode("{\"op\":\"abort\",\"group\":\" \"}")).getMessage());
        assertEquals("lines must be 0 or more, not -1",
                assertThrows(MalformedMessage.class, () -> Request.decode("{\"op\":\"logs\",\"lines\":-1}")).getMessage());
        assertThrows(MalformedMessage.class, () -> Answer.decode("{\"type\":\"error\",\"code\":\"a_newer_code\",\"message\":\"m\"}"));
        assertThrows(MalformedMessage.class, () -> Answer.decode("{\"type\":\"stopping\"}"));
    }

    @Test
    void request_fromAnEarlierClient_withFieldsOfTheWrongKind_readsThemAsAbsent() throws Exception {
        assertEquals(new Request.History(Request.History.DEFAULT_LIMIT, Optional.empty()),
                Request.decode("{\"op\":\"history\",\"limit\":\"ten\",\"group\":7}"));
        assertEquals(new Request.Restart(List.of(), false), Request.decode("{\"op\":\"restart\",\"wait\":\"yes\"}"));
        assertEquals(new Request.Reexec(Optional.empty()), Request.decode("{\"op\":\"reexec\"}"));
    }
}
