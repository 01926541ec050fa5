package io.rolld.cli;

import io.rolld.control.Answer;
import io.rolld.control.Json;
import io.rolld.daemon.ExitCodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code rolld restart --json} prints at the end, whatever happened: one JSON object on one
 * line, so a playbook or CI job reads the outcome without parsing the progress text.
 *
 * <pre>{"result":"rolled_back","exit_code":1,"group":"app","generation":8,"reason":"smoke test failed ...",
 *  "elapsed_ms":2140,"groups":[{"group":"app","result":"rolled_back","generation":8,...}]}</pre>
 *
 * {@code result} names the exit code; {@code group} and {@code generation} are set when exactly
 * one group was rolled (the usual case), {@code reason} is the first failure's reason, as rolld
 * gave it (null on success), and {@code elapsed_ms} is how long the command waited.
 */
final class RestartReport {
    private final long startNanos = System.nanoTime();
    private final boolean wait;
    private final Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    private String failure;

    RestartReport(boolean wait) {
        this.wait = wait;
    }

    /** The groups rolld accepted: each one is pending until its result arrives. */
    void accepted(List<String> names) {
        names.forEach(name -> groups.computeIfAbsent(name, n -> entry(n, "pending")));
    }

    /** A {@code result} answer from rolld. */
    void result(Answer.Result answer) {
        Map<String, Object> entry = entry(answer.group(), answer.outcomeName());
        Map<String, Object> fields = answer.document();
        for (String key : List.of("generation", "failed_in", "reason", "detail", "ports", "pids", "old_pids",
                "elapsed_ms", "finished_at")) {
            if (fields.get(key) != null) {
                entry.put(key, fields.get(key));
            }
        }
        groups.put(answer.group(), entry);
    }

    /** The groups still waiting at {@code --timeout}, with the state each was last seen in. */
    void timedOut(String reason, Map<String, String> lastState) {
        failure = reason;
        groups.values().stream().filter(g -> "pending".equals(g.get("result"))).forEach(g -> {
            g.put("result", "timeout");
            g.put("last_state", lastState.getOrDefault(String.valueOf(g.get("group")), "queued"));
        });
    }

    /** Why the request failed before any rollout could tell (not running, refused, invalid rolld.yml). */
    void failed(String reason) {
        failure = reason;
    }

    String json(int exitCode) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("result", result(exitCode));
        out.put("exit_code", exitCode);
        List<Map<String, Object>> all = new ArrayList<>(groups.values());
        if (all.size() == 1) {
            out.put("group", all.getFirst().get("group"));
            out.put("generation", all.getFirst().get("generation"));
        }
        out.put("reason", reason());
        out.put("elapsed_ms", (System.nanoTime() - startNanos) / 1_000_000);
        out.put("groups", all);
        return Json.line(out);
    }

    private String result(int exitCode) {
        return switch (exitCode) {
            case ExitCodes.OK -> wait ? "succeeded" : "requested";
            case ExitCodes.FAILED -> "rolled_back";
            case ExitCodes.CONFIG_INVALID -> "config_invalid";
            case ExitCodes.NOT_RUNNING -> "not_running";
            case ExitCodes.TIMEOUT -> "timeout";
            case ExitCodes.NO_SUCH_GROUP -> "no_such_group";
            case ExitCodes.ROLLBACK_REFUSED -> "rollback_refused";
            default -> "refused";
        };
    }

    private String reason() {
        if (failure != null) {
            return failure;
        }
        return groups.values().stream().filter(g -> g.get("reason") != null)
                .map(g -> String.valueOf(g.get("reason"))).findFirst().orElse(null);
    }

    private static Map<String, Object> entry(String group, String result) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("group", group);
        entry.put("result", result);
        return entry;
    }
}
