package io.rolld.control;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a client asks of the daemon: one JSON object on one line, its {@code op} naming the record
 * ({@code {"op":"status"}}). {@link #line} and {@link #decode} are the only encoding; docs/operation.md
 * ("The control protocol") documents every field. A field of the wrong kind reads as absent, as it
 * always did; only what a request cannot do without is refused.
 */
public sealed interface Request {
    /** The longest request line the daemon reads, in bytes; a longer one is answered {@link ErrorCode#REQUEST_TOO_LARGE}. */
    int MAX_LINE_BYTES = 64 * 1024;

    /** {@code {"op":"status"}}: answered by one {@link Answer.Status}. */
    record Status() implements Request {
    }

    /** {@code {"op":"restart","groups":["app"],"wait":true}}; no groups: every group. */
    record Restart(List<String> groups, boolean awaitResults) implements Request {
        public Restart {
            groups = List.copyOf(groups);
        }
    }

    /** {@code {"op":"stop"}}: the connection stays open until rolld has exited. */
    record Stop() implements Request {
    }

    /** {@code {"op":"reexec","timeout_ms":300000}}: how long running rollouts may delay the exec (default: the daemon's). */
    record Reexec(Optional<Duration> timeout) implements Request {
    }

    /** {@code {"op":"promote","group":"app"}}: end the current bake or canary pause now. */
    record Promote(String group) implements Request {
    }

    /** {@code {"op":"abort","group":"app"}}: switch back to the old set now; answers the rollout's result. */
    record Abort(String group) implements Request {
    }

    /**
     * {@code {"op":"logs","groups":[],"lines":20,"follow":true,"since_ms":T}}: where the workers'
     * files are, and rolld's recent lines (at most {@code lines}, none before {@code since}).
     */
    record Logs(List<String> groups, int lines, boolean follow, Optional<Instant> since) implements Request {
        public static final int DEFAULT_LINES = 20;

        public Logs {
            groups = List.copyOf(groups);
        }
    }

    /** {@code {"op":"history","limit":10,"group":"app"}}: the last rollouts, of every group without one. */
    record History(int limit, Optional<String> group) implements Request {
        public static final int DEFAULT_LIMIT = 10;
    }

    /**
     * {@code {"op":"rollback","group":"app","to":7,"wait":true}} ({@code to} or {@code release}
     * optional): roll out the recorded release of an earlier generation; answered like {@link Restart}.
     */
    record Rollback(String group, Target target, boolean awaitResults) implements Request {
        /** Which earlier generation's release. */
        public sealed interface Target {
            /** The latest successful generation before the serving one that ran something else. */
            record Previous() implements Target {
            }

            record Generation(long generation) implements Target {
            }

            /** The latest successful generation that ran this release directory. */
            record ReleaseDirectory(Path directory) implements Target {
            }
        }
    }

    /** The request as its one line, without the newline. */
    default String line() {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (this) {
            case Status s -> out.put("op", "status");
            case Restart r -> {
                out.put("op", "restart");
                out.put("groups", r.groups());
                out.put("wait", r.awaitResults());
            }
            case Stop s -> out.put("op", "stop");
            case Reexec r -> {
                out.put("op", "reexec");
                r.timeout().ifPresent(t -> out.put("timeout_ms", t.toMillis()));
            }
            case Promote p -> {
                out.put("op", "promote");
                out.put("group", p.group());
            }
            case Abort a -> {
                out.put("op", "abort");
                out.put("group", a.group());
            }
            case Logs l -> {
                out.put("op", "logs");
                out.put("groups", l.groups());
                out.put("lines", l.lines());
                out.put("follow", l.follow());
                l.since().ifPresent(t -> out.put("since_ms", t.toEpochMilli()));
            }
            case History h -> {
                out.put("op", "history");
                out.put("limit", h.limit());
                h.group().ifPresent(g -> out.put("group", g));
            }
            case Rollback r -> {
                out.put("op", "rollback");
                out.put("group", r.group());
                switch (r.target()) {
                    case Rollback.Target.Previous p -> { }
                    case Rollback.Target.Generation g -> out.put("to", g.generation());
                    case Rollback.Target.ReleaseDirectory d -> out.put("release", d.directory().toString());
                }
                out.put("wait", r.awaitResults());
            }
        }
        return Json.line(out);
    }

    /** A request line back into its record; {@link MalformedMessage} says what is wrong, for a {@code bad_request}. */
    static Request decode(String line) throws MalformedMessage {
        Fields f = Fields.of(line);
        return switch (String.valueOf(f.raw("op"))) {
            case "status" -> new Status();
            case "restart" -> new Restart(f.strings("groups"), f.flag("wait"));
            case "stop" -> new Stop();
            case "reexec" -> {
                OptionalLong ms = f.optionalNumber("timeout_ms");
                yield new Reexec(ms.isPresent() ? Optional.of(Duration.ofMillis(ms.getAsLong())) : Optional.empty());
            }
            case "promote" -> new Promote(group(f, "promote"));
            case "abort" -> new Abort(group(f, "abort"));
            case "logs" -> {
                int lines = (int) f.optionalNumber("lines").orElse(Logs.DEFAULT_LINES);
                if (lines < 0) {
                    throw new MalformedMessage("lines must be 0 or more, not " + lines);
                }
                OptionalLong since = f.optionalNumber("since_ms");
                yield new Logs(f.strings("groups"), lines, f.flag("follow"),
                        since.isPresent() ? Optional.of(Instant.ofEpochMilli(since.getAsLong())) : Optional.empty());
            }
            case "history" -> new History((int) f.optionalNumber("limit").orElse(History.DEFAULT_LIMIT),
                    f.optionalString("group").filter(g -> !g.isBlank()));
            case "rollback" -> {
                String group = group(f, "rollback");
                OptionalLong to = f.optionalNumber("to");
                Optional<String> release = f.optionalString("release").filter(d -> !d.isBlank());
                Rollback.Target target = to.isPresent() ? new Rollback.Target.Generation(to.getAsLong())
                        : release.isPresent() ? new Rollback.Target.ReleaseDirectory(Path.of(release.get()))
                        : new Rollback.Target.Previous();
                yield new Rollback(group, target, f.flag("wait"));
            }
            default -> throw new MalformedMessage("unknown op " + f.raw("op")
                    + " (one of status, restart, stop, reexec, promote, abort, logs, history, rollback)");
        };
    }

    private static String group(Fields f, String op) throws MalformedMessage {
        return f.optionalString("group").filter(g -> !g.isBlank()).orElseThrow(() -> new MalformedMessage(
                op + " needs a group: {\"op\":\"" + op + "\",\"group\":\"NAME\"}"));
    }
}
