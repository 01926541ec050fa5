package io.rolld.cli;

import io.rolld.control.Answer;
import java.util.List;
import java.util.stream.Collectors;

/** One line per rollout message, as {@code restart --wait} prints them and {@code status} shows the last result. */
final class RolloutLines {
    private RolloutLines() {
    }

    /** {@code app-servers gen 7 CHECKING 8501,8502 (120 ms, rolld's own 9 ms)} */
    static String transition(Answer.Event t) {
        return t.group() + " gen " + t.text("generation") + " " + t.text("state") + " "
                + StatusText.join(t.fields().get("ports")) + " (" + t.text("elapsed_ms") + " ms"
                + (t.fields().get("own_ms") == null ? "" : ", rolld's own " + t.text("own_ms") + " ms") + ")";
    }

    /** {@code succeeded: generation 7 on 8501,8502 (pids 10,11) in 2140 ms} or {@code rolled back in CHECKING ...: reason} */
    static String result(Answer.Result r) {
        return switch (r.outcome()) {
            case Answer.Result.Outcome.Succeeded s -> "succeeded: generation " + r.generation() + " on " + join(s.ports())
                    + " (pids " + join(s.pids()) + ") in " + r.elapsedMs() + " ms" + finished(r);
            case Answer.Result.Outcome.RolledBack b -> "ROLLED BACK in " + b.failedIn() + ": generation " + r.generation() + " after "
                    + r.elapsedMs() + " ms" + finished(r) + "; old workers keep serving. Reason: " + b.reason();
        };
    }

    private static String join(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static String finished(Answer.Result r) {
        return r.finishedAt().map(t -> ", finished " + t).orElse("");
    }
}
