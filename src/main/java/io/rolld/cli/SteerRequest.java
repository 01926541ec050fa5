package io.rolld.cli;

import io.rolld.control.Answer;
import io.rolld.control.Request;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.time.Duration;

/**
 * What {@code promote} and {@code abort} share: one request naming the group, the daemon's
 * {@code accepted} (or an error, mapped to its exit code), and for an abort the rollout's result.
 */
final class SteerRequest {
    private SteerRequest() {
    }

    /** {@code op} ({@code promote} or {@code abort}) names {@code request} in what is printed. */
    static int send(ControlTarget target, Request request, String op, String group, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = ControlClient.deadline(timeout);
        try (ControlClient client = target.connect()) {
            client.send(request);
            int exit = ExitCodes.REFUSED;
            while (true) {
                switch (client.next(deadline)) {
                    case ControlClient.Received.TimedOut _ -> {
                        System.out.println(group + ": TIMEOUT after " + timeout + " waiting for the rollback; see rolld status");
                        return ExitCodes.TIMEOUT;
                    }
                    case ControlClient.Received.Closed _ -> {
                        return exit == ExitCodes.REFUSED ? ControlTarget.unexpected("rolld closed the connection without an answer") : exit;
                    }
                    case ControlClient.Received.Answered(Answer.Error e) -> {
                        return ControlTarget.refused(e);
                    }
                    case ControlClient.Received.Answered(Answer.SteerAccepted a) -> {
                        System.out.println(group + ": " + op + " accepted during " + a.step());
                        exit = ExitCodes.OK;
                    }
                    case ControlClient.Received.Answered(Answer.Result r) -> exit = aborted(group, r);
                    case ControlClient.Received.Answered(Answer.Done _) -> {
                        return exit;
                    }
                    case ControlClient.Received.Answered _ -> {
                        // a newer daemon's extra message
                    }
                }
            }
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        }
    }

    /** 0 when the abort rolled the group back; 1 when it came too late and the new generation serves. */
    private static int aborted(String group, Answer.Result result) {
        System.out.println(group + " " + RolloutLines.result(result));
        if (!result.succeeded()) {
            return ExitCodes.OK;
        }
        System.out.println(group + ": the abort came too late: the rollout had already ended its bake");
        return ExitCodes.FAILED;
    }
}
