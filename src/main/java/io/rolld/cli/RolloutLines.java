package io.rolld.cli;

import java.util.Map;

/** One line per rollout message, as {@code restart --wait} prints them and {@code status} shows the last result. */
final class RolloutLines {
    private RolloutLines() {
    }

    /** {@code app-servers gen 7 CHECKING 8501,8502 (120 ms, rolld's own 9 ms)} */
    static String transition(Map<?, ?> t) {
        return t.get("group") + " gen " + t.get("generation") + " " + t.get("state") + " "
                + StatusText.join(t.get("ports")) + " (" + t.get("elapsed_ms") + " ms"
                + (t.get("own_ms") == null ? "" : ", rolld's own " + t.get("own_ms") + " ms") + ")";
    }

    /** {@code succeeded: generation 7 on 8501,8502 (pids 10,11) in 2140 ms} or {@code rolled back in CHECKING ...: reason} */
    static String result(Map<?, ?> r) {
        if ("succeeded".equals(r.get("outcome"))) {
            return "succeeded: generation " + r.get("generation") + " on " + StatusText.join(r.get("ports"))
                    + " (pids " + StatusText.join(r.get("pids")) + ") in " + r.get("elapsed_ms") + " ms"
                    + finished(r);
        }
        return "ROLLED BACK in " + r.get("failed_in") + ": generation " + r.get("generation") + " after "
                + r.get("elapsed_ms") + " ms" + finished(r) + "; old workers keep serving. Reason: " + r.get("reason");
    }

    private static String finished(Map<?, ?> r) {
        return r.get("finished_at") == null ? "" : ", finished " + r.get("finished_at");
    }
}
