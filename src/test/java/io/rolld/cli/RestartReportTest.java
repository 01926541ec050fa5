package io.rolld.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.control.Answer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartReportTest {
    private static Map<String, Object> parse(String json) throws IOException {
        assertEquals(1, json.lines().count(), "one line: " + json);
        return JSON.std.mapFrom(json);
    }

    @Test
    void json_whenOneGroupSucceeded_namesItsGroupAndGenerationAndNoReason() throws IOException {
        RestartReport report = new RestartReport(true);
        report.accepted(List.of("app"));
        report.result(new Answer.Result("app", 7, new Answer.Result.Outcome.Succeeded(List.of(8501, 8502), List.of(10L, 11L), List.of()),
                2140, Optional.empty()));

        Map<String, Object> out = parse(report.json(0));

        assertEquals("succeeded", out.get("result"));
        assertEquals(0, out.get("exit_code"));
        assertEquals("app", out.get("group"));
        assertEquals(7, out.get("generation"));
        assertNull(out.get("reason"), out.toString());
        assertTrue(((Number) out.get("elapsed_ms")).longValue() >= 0, out.toString());
        Map<?, ?> group = (Map<?, ?>) ((List<?>) out.get("groups")).getFirst();
        assertEquals(List.of(8501, 8502), group.get("ports"));
        assertEquals(2140, group.get("elapsed_ms"));
    }

    @Test
    void json_whenARolloutWasRolledBack_carriesRolldsReasonAndDetail() throws IOException {
        RestartReport report = new RestartReport(true);
        report.accepted(List.of("api", "app"));
        report.result(new Answer.Result("api", 3, new Answer.Result.Outcome.Succeeded(List.of(8501), List.of(10L), List.of()),
                900, Optional.empty()));
        report.result(new Answer.Result("app", 8, new Answer.Result.Outcome.RolledBack("CHECKING", "smoke test failed on port 8501",
                "Traceback ..."), 1200, Optional.empty()));

        Map<String, Object> out = parse(report.json(1));

        assertEquals("rolled_back", out.get("result"));
        assertEquals("smoke test failed on port 8501", out.get("reason"));
        assertNull(out.get("group"), "two groups: no single group at top level " + out);
        List<?> groups = (List<?>) out.get("groups");
        assertEquals("CHECKING", ((Map<?, ?>) groups.get(1)).get("failed_in"));
        assertEquals("Traceback ...", ((Map<?, ?>) groups.get(1)).get("detail"));
    }

    @Test
    void json_whenTheTimeoutPassed_marksTheWaitingGroupsWithTheirLastState() throws IOException {
        RestartReport report = new RestartReport(true);
        report.accepted(List.of("app"));
        report.timedOut("timed out after 5s waiting for app; the rollout goes on in rolld", Map.of("app", "DRAINING"));

        Map<String, Object> out = parse(report.json(4));

        assertEquals("timeout", out.get("result"));
        assertTrue(String.valueOf(out.get("reason")).startsWith("timed out after 5s"), out.toString());
        Map<?, ?> group = (Map<?, ?>) ((List<?>) out.get("groups")).getFirst();
        assertEquals("timeout", group.get("result"));
        assertEquals("DRAINING", group.get("last_state"));
    }

    @Test
    void json_whenRolldIsNotRunning_saysSoWithNoGroups() throws IOException {
        RestartReport report = new RestartReport(true);
        report.failed("rolld is not running (nothing answers on /x/rolld.sock)");

        Map<String, Object> out = parse(report.json(3));

        assertEquals("not_running", out.get("result"));
        assertEquals(3, out.get("exit_code"));
        assertEquals(List.of(), out.get("groups"));
        assertTrue(String.valueOf(out.get("reason")).contains("not running"), out.toString());
    }

    @Test
    void json_withoutWait_isRequested() throws IOException {
        RestartReport report = new RestartReport(false);
        report.accepted(List.of("app"));

        assertEquals("requested", parse(report.json(0)).get("result"));
    }
}
