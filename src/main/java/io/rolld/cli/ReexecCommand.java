package io.rolld.cli;

import io.rolld.control.Answer;
import io.rolld.control.Request;
import io.rolld.daemon.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rolld reexec}: upgrade the daemon in place (also SIGUSR2). */
@Command(name = "reexec", mixinStandardHelpOptions = true,
        description = {"Re-execute the daemon with the build now on disk: same pid, same workers, same held sockets.",
                "The daemon first waits for running rollouts to end and checks that the new build starts and accepts",
                "rolld.yml; if not, it refuses and carries on. Waits until the new daemon answers."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the daemon runs the new build (same pid) and has taken its workers over",
                "3:rolld is not running",
                "4:a rollout was still running at --timeout; nothing changed",
                "8:refused: the build on disk failed its check (or execve failed); the running build carries on",
                "9:the daemon exec'd but no new image answered by --timeout; see rolld's log",
                "7:rolld answered something unexpected"})
final class ReexecCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CHECK_MARGIN = Duration.ofSeconds(60);

    @Mixin
    ControlTarget target;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "how long to wait for a running rollout to end (default: ${DEFAULT-VALUE}); the new build's "
                    + "check and start get a minute more")
    DurationOption timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        // The daemon itself answers "timeout" at --timeout; the margin covers the new build's check after the wait.
        long deadline = ControlClient.deadline(timeout.value().plus(CHECK_MARGIN));
        Answer.Reexecing execing;
        try (ControlClient client = target.connect()) {
            client.send(new Request.Reexec(Optional.of(timeout.value())));
            switch (client.next(deadline)) {
                case ControlClient.Received.TimedOut _ -> {
                    System.err.println("rolld: no answer to reexec within " + timeout + " (a rollout may still be running)");
                    return ExitCodes.TIMEOUT;
                }
                case ControlClient.Received.Answered(Answer.Reexecing r) -> execing = r;
                case ControlClient.Received.Answered(Answer.Error e) -> {
                    return ControlTarget.refused(e);
                }
                case ControlClient.Received.Answered(Answer a) -> {
                    return ControlTarget.unexpected("unexpected answer to reexec: " + a.line());
                }
                case ControlClient.Received.Closed _ -> {
                    return ControlTarget.unexpected("unexpected answer to reexec: {}");
                }
            }
            System.out.println("rolld pid " + execing.pid() + ": re-executing " + execing.version() + " -> " + execing.newVersion());
            // The exec closes this connection; an error here means execve failed and nothing changed.
            if (client.next(deadline) instanceof ControlClient.Received.Answered(Answer.Error e)) {
                return ControlTarget.refused(e);
            }
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        }
        return awaitNewImage(execing, deadline);
    }

    /** Polls status until a daemon that started after the exec answers and is ready. */
    private int awaitNewImage(Answer.Reexecing execing, long deadline) throws InterruptedException {
        String lastSeen = "nothing answered";
        while (System.nanoTime() < deadline) {
            Optional<Map<String, Object>> daemon = daemonSection();
            if (daemon.isPresent()) {
                Map<String, Object> d = daemon.get();
                boolean fresh = !execing.started().toString().equals(String.valueOf(d.get("started")));
                if (fresh && !String.valueOf(execing.pid()).equals(String.valueOf(d.get("pid")))) {
                    System.err.println("rolld: another daemon answers (pid " + d.get("pid") + ", was " + execing.pid()
                            + "): the re-exec'd image did not survive; see rolld's log");
                    return ExitCodes.REEXEC_LOST;
                }
                if (fresh && Boolean.TRUE.equals(d.get("ready"))) {
                    System.out.println("rolld pid " + d.get("pid") + " runs " + d.get("version") + " (started " + d.get("started")
                            + ", " + d.get("adopted") + " worker(s) taken over)");
                    return ExitCodes.OK;
                }
                lastSeen = fresh ? "the new image answers but is still taking its workers over" : "the old image still answers";
            }
            Thread.sleep(POLL);
        }
        System.err.println("rolld: no re-exec'd daemon ready by the timeout (" + lastSeen + "); see rolld's log");
        return ExitCodes.REEXEC_LOST;
    }

    private Optional<Map<String, Object>> daemonSection() throws InterruptedException {
        try (ControlClient client = ControlClient.connect(target.socketPath())) {
            client.send(new Request.Status());
            if (client.next(ControlClient.deadline(Duration.ofSeconds(5))) instanceof ControlClient.Received.Answered(Answer.Status(var report))
                    && report.get("daemon") instanceof Map<?, ?> d) {
                @SuppressWarnings("unchecked")
                Map<String, Object> daemon = (Map<String, Object>) d;
                return Optional.of(daemon);
            }
            return Optional.empty();
        } catch (ControlClient.NotRunning | IOException | ControlTarget.Failed e) {
            return Optional.empty(); // between images: the socket is not served for a moment
        }
    }
}
