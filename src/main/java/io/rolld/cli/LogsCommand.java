package io.rolld.cli;

import io.rolld.control.Answer;
import io.rolld.control.Json;
import io.rolld.control.Request;
import io.rolld.daemon.ExitCodes;
import io.rolld.logs.FileFollower;
import io.rolld.logs.Interleaving;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rolld logs}: the workers' stdout and stderr and rolld's own lines, interleaved in time
 * order. The daemon says where the files are and sends its recent lines; this command reads the
 * files itself, so a chatty worker costs the daemon nothing.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Show the last lines of every serving worker's stdout and stderr and of rolld's own events, "
                + "interleaved in time order, each prefixed with its source (app 8501 pid 4242 err|, rolld|).",
                "With -f, follow: new lines as they are written, across rollouts, truncation and rotation, until interrupted."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:shown (with -f: rolld stopped, or the output was closed)",
                "2:the -c file cannot be read",
                "3:rolld is not running",
                "5:no such group",
                "7:rolld answered something unexpected",
                "64:usage"})
final class LogsCommand implements Callable<Integer> {
    static final int DEFAULT_LINES = 20;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    /** How often followed files are looked at. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** rolld's lines reach this command within this long; a line is shown once nothing earlier can still arrive. */
    private static final Duration DAEMON_SLACK = Duration.ofMillis(200);

    @Mixin
    ControlTarget target;

    @Parameters(paramLabel = "GROUP", arity = "0..*", description = "groups to show (default: all)")
    List<String> groups = new ArrayList<>();

    @Option(names = {"-f", "--follow"}, description = "keep following new lines until interrupted")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", description = "last lines of each file and of rolld's events (default: ${DEFAULT-VALUE})")
    int lines = DEFAULT_LINES;

    @Option(names = "--since", paramLabel = "DURATION", description = "only lines of this recent past, e.g. 10m")
    DurationOption since;

    @Option(names = "--json", description = "one JSON object per line: time, source, group, slots, pids, stream, line")
    boolean json;

    /** One line to show, from a worker's file or from rolld. */
    private sealed interface Shown {
        record WorkerLine(LogSources.File file, FileFollower.Line line) implements Shown {
        }

        record RolldLine(Answer.Line message) implements Shown {
        }
    }

    private final LogSources sources = new LogSources();
    private final Map<Path, FileFollower> followed = new LinkedHashMap<>();
    private final Interleaving<Shown> ordered = new Interleaving<>();
    private final PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024),
            false, StandardCharsets.UTF_8);
    private final ZoneId zone = ZoneId.systemDefault();
    private final Set<String> hinted = new HashSet<>();
    private final Set<Path> unreadable = new HashSet<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (lines < 0) {
            System.err.println("rolld logs: -n must be 0 or more, not " + lines);
            return ExitCodes.USAGE;
        }
        Optional<Instant> after = Optional.ofNullable(since).map(d -> Instant.now().minus(d.value()));
        try (ControlClient client = target.connect()) {
            client.send(new Request.Logs(groups, lines, follow, after));
            Answer.Sources first;
            switch (client.next(ControlClient.deadline(ANSWER_TIMEOUT))) {
                case ControlClient.Received.Answered(Answer.Sources s) -> first = s;
                case ControlClient.Received.Answered(Answer.Error e) -> {
                    return ControlTarget.refused(e);
                }
                case ControlClient.Received.Answered(Answer a) -> {
                    return ControlTarget.unexpected("unexpected answer: " + a.line());
                }
                case ControlClient.Received.Closed _, ControlClient.Received.TimedOut _ -> {
                    return ControlTarget.unexpected("no answer from rolld within " + ANSWER_TIMEOUT.toSeconds() + " s");
                }
            }
            hintAtRolldsOutput(first);
            List<LogSources.File> files = sources.update(first);
            if (!readRolldsHistory(client)) {
                return ControlTarget.unexpected("rolld closed the connection before sending its recent lines");
            }
            for (LogSources.File f : files) {
                FileFollower follower = new FileFollower(f.path(), zone);
                for (FileFollower.Line l : read(f.path(), () -> follower.start(sources.serving(f) ? lines : 0))) {
                    if (after.map(a -> !l.time().isBefore(a)).orElse(true)) {
                        ordered.add(f.path(), l.time(), new Shown.WorkerLine(f, l));
                    }
                }
                if (follow) {
                    followed.put(f.path(), follower);
                } else {
                    follower.close();
                }
            }
            show(ordered.takeAll());
            return follow ? follow(client) : ExitCodes.OK;
        } catch (ControlTarget.Failed e) {
            return e.exitCode;
        } finally {
            for (FileFollower f : followed.values()) {
                f.close();
            }
            out.flush();
        }
    }

    private interface Reading {
        List<FileFollower.Line> lines() throws IOException;
    }

    /** A file that cannot be read (permissions, an I/O error) is named once on stderr; the others go on. */
    private List<FileFollower.Line> read(Path file, Reading reading) {
        try {
            List<FileFollower.Line> read = reading.lines();
            unreadable.remove(file);
            return read;
        } catch (IOException e) {
            if (unreadable.add(file)) {
                System.err.println("rolld logs: cannot read " + file + ": " + e);
            }
            return List.of();
        }
    }

    /** rolld's recent lines, up to {@code caught_up}; false if the connection ended first. */
    private boolean readRolldsHistory(ControlClient client) throws InterruptedException {
        while (true) {
            switch (client.next(ControlClient.deadline(ANSWER_TIMEOUT))) {
                case ControlClient.Received.Closed _, ControlClient.Received.TimedOut _ -> {
                    return false;
                }
                case ControlClient.Received.Answered(Answer.CaughtUp _) -> {
                    return true;
                }
                case ControlClient.Received.Answered(Answer.Line l) -> ordered.add("rolld", time(l), new Shown.RolldLine(l));
                case ControlClient.Received.Answered _ -> {
                    // nothing else comes before caught_up
                }
            }
        }
    }

    /** Until rolld closes the connection or nobody reads the output any more. */
    private int follow(ControlClient client) throws IOException, InterruptedException {
        while (true) {
            Instant round = Instant.now();
            for (Map.Entry<Path, FileFollower> f : followed.entrySet()) {
                LogSources.File file = sources.files().stream().filter(s -> s.path().equals(f.getKey())).findFirst().orElseThrow();
                for (FileFollower.Line l : read(f.getKey(), f.getValue()::poll)) {
                    ordered.add(f.getKey(), l.time(), new Shown.WorkerLine(file, l));
                }
            }
            long wait = ControlClient.deadline(POLL);
            for (ControlClient.Received m = client.next(wait); !(m instanceof ControlClient.Received.TimedOut);
                 m = System.nanoTime() - wait < 0 ? client.next(wait) : new ControlClient.Received.TimedOut()) {
                switch (m) {
                    case ControlClient.Received.Closed _ -> {
                        show(ordered.takeAll());
                        System.err.println("rolld logs: rolld closed the connection (it stopped, or re-executed itself)");
                        return ExitCodes.OK;
                    }
                    case ControlClient.Received.Answered(Answer.Line l) -> ordered.add("rolld", time(l), new Shown.RolldLine(l));
                    case ControlClient.Received.Answered(Answer.Sources s) -> {
                        hintAtRolldsOutput(s);
                        for (LogSources.File f : sources.update(s)) {
                            FileFollower follower = new FileFollower(f.path(), zone);
                            read(f.path(), () -> follower.start(0));
                            followed.put(f.path(), follower);
                        }
                    }
                    case ControlClient.Received.Answered(Answer.Dropped d) -> System.err.println("rolld logs: " + d.lines()
                            + " of rolld's lines were dropped: this command read them too slowly");
                    case ControlClient.Received.Answered _, ControlClient.Received.TimedOut _ -> {
                        // nothing else comes while following
                    }
                }
            }
            Instant slack = Instant.now().minus(DAEMON_SLACK);
            show(ordered.takeBefore(round.isBefore(slack) ? round : slack));
            if (out.checkError()) {
                return ExitCodes.OK; // the reader went away (| head)
            }
        }
    }

    /** Groups whose workers write to rolld's own output have nothing here: say so once, and what to set. */
    private void hintAtRolldsOutput(Answer.Sources message) {
        LogSources.toRolldsOutput(message).forEach((group, streams) -> {
            if (hinted.add(group)) {
                System.err.println("rolld logs: group " + group + " sends its workers' " + String.join(" and ",
                        streams.stream().map(s -> s.equals("out") ? "stdout" : "stderr").toList())
                        + " to rolld's own output, which only rolld's log has; set 'stdout' and 'stderr' to files in rolld.yml to see them here");
            }
        });
    }

    private void show(List<Shown> shown) {
        for (Shown s : shown) {
            switch (s) {
                case Shown.WorkerLine(LogSources.File f, FileFollower.Line l) -> {
                    if (json) {
                        List<LogSources.Life> writers = sources.writers(f, l.time());
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("time", l.time().toString());
                        o.put("source", "worker");
                        o.put("group", f.group());
                        o.put("slots", writers.isEmpty() ? f.slots() : writers.stream().map(LogSources.Life::slot).distinct().toList());
                        o.put("pids", writers.stream().map(LogSources.Life::pid).toList());
                        o.put("stream", String.join("+", f.streams()));
                        o.put("file", f.path().toString());
                        o.put("line", l.text());
                        out.println(Json.line(o));
                    } else {
                        out.println(sources.label(f, l.time()) + l.text());
                    }
                }
                case Shown.RolldLine(Answer.Line m) -> {
                    if (json) {
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("time", time(m).toString());
                        o.put("source", "rolld");
                        o.put("group", m.group().orElse(null));
                        o.put("level", m.level());
                        o.put("line", m.text());
                        o.put("fields", m.fields());
                        out.println(Json.line(o));
                    } else {
                        for (String line : m.text().split("\n", -1)) {
                            out.println("rolld|" + line);
                        }
                    }
                }
            }
        }
        out.flush();
    }

    private static Instant time(Answer.Line message) {
        return Instant.ofEpochMilli(message.timeMs());
    }
}
