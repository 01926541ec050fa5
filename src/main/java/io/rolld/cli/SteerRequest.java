package io.rolld.cli;

import io.rolld.daemon.ControlProtocol;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code promote} and {@code abort} share: one request naming the group, the daemon's
 * {@code accepted} (or an error, mapped to its exit code), and for an abort the rollout's result.
 */
final class SteerRequest {
    private SteerRequest() {
    }

    static int send(ControlTarget target, String op, String group, Duration timeout) throws IOException, InterruptedException {
        long deadline = ControlClient.deadline(timeout);
        try (ControlClient client = target.connect()) {
            client.send(ControlProtocol.request(op).with("group", group));
            int exit = ExitCodes.REFUSED;
            while (true) {
                Optional<Map<String, Object>> next = client.next(deadline);
                if (next.isEmpty()) {
                    System.out.println(group + ": TIMEOUT after " + timeout + " waiting for the rollback; see rolld status");
                    return ExitCodes.TIMEOUT;
                }
                Map<String, Object> m = next.get();
                if (ControlClient.isEnd(m)) {
                    return exit == ExitCodes.REFUSED ? ControlTarget.unexpected("rolld closed the connection without an answer") : exit;
                }
                switch (String.valueOf(m.get("type"))) {
                    case "error" -> {
                        return ControlTarget.refused(m);
                    }
                    case "accepted" -> {
                        System.out.println(group + ": " + op + " accepted during " + m.get("step"));
                        exit = ExitCodes.OK;
                    }
                    case "result" -> exit = aborted(group, m);
                    case "done" -> {
                        return exit;
                    }
                    default -> {
                        // a newer daemon's extra message
                    }
                }
            }
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        }
    }

    /** 0 when the abort rolled the group back; 1 when it came too late and the new generation serves. */
    private static int aborted(String group, Map<String, Object> result) {
        System.out.println(group + " " + RolloutLines.result(result));
        if ("rolled_back".equals(result.get("outcome"))) {
            return ExitCodes.OK;
        }
        System.out.println(group + ": the abort came too late: the rollout had already ended its bake");
        return ExitCodes.FAILED;
    }
}
