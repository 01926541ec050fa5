package io.rolld.control;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the daemon sends back: JSON objects, one per line, each with a {@code type} naming the
 * record; the daemon closes the connection when it is done. {@link #line} and {@link #decode} are
 * the only encoding; docs/operation.md ("The control protocol") documents every message. Payloads
 * that are user-facing documents of their own (the status report, history records, an event's
 * fields) stay JSON trees.
 */
public sealed interface Answer {
    /** {@code {"type":"error","code":"no_such_group","message":"..."}}: the request was refused. */
    record Error(ErrorCode code, String message) implements Answer {
    }

    /** {@code {"type":"accepted","groups":["app"],"op":"restart"}}: the rollouts a restart or rollback started. */
    record Accepted(List<String> groups, String op) implements Answer {
        public Accepted {
            groups = List.copyOf(groups);
        }
    }

    /** {@code {"type":"accepted","group":"app","command":"promote","step":"canary 1/2"}}: promote or abort taken during {@code step}. */
    record SteerAccepted(String group, String command, String step) implements Answer {
    }

    /**
     * One event of a rollout a client waits for: its type is the event's name in the log
     * ({@code transition}, {@code rollout_step}, ...), its {@code fields} the log line's, {@code group} first.
     */
    record Event(String name, Map<String, Object> fields) implements Answer {
        public Event {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public String group() {
            return String.valueOf(fields.get("group"));
        }

        /** A field's value as text ({@code "null"} when absent). */
        public String text(String key) {
            return String.valueOf(fields.get(key));
        }
    }

    /** How a rollout ended, shaped like a group's {@code last_result} in status. */
    record Result(String group, long generation, Outcome outcome, long elapsedMs, Optional<Instant> finishedAt) implements Answer {
        /** Succeeded, or rolled back (the old set serves). */
        public sealed interface Outcome {
            record Succeeded(List<Integer> ports, List<Long> pids, List<Long> oldPids) implements Outcome {
                public Succeeded {
                    ports = List.copyOf(ports);
                    pids = List.copyOf(pids);
                    oldPids = List.copyOf(oldPids);
                }
            }

            record RolledBack(String failedIn, String reason, String detail) implements Outcome {
            }
        }

        public boolean succeeded() {
            return outcome instanceof Outcome.Succeeded;
        }

        /** {@code succeeded} or {@code rolled_back}, as on the wire. */
        public String outcomeName() {
            return succeeded() ? "succeeded" : "rolled_back";
        }

        /** Its fields without the type: status' {@code last_result}. */
        public Map<String, Object> document() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("group", group);
            out.put("generation", generation);
            out.put("outcome", outcomeName());
            switch (outcome) {
                case Outcome.Succeeded s -> {
                    out.put("ports", s.ports());
                    out.put("pids", s.pids());
                    out.put("old_pids", s.oldPids());
                }
                case Outcome.RolledBack r -> {
                    out.put("failed_in", r.failedIn());
                    out.put("reason", r.reason());
                    out.put("detail", r.detail());
                }
            }
            out.put("elapsed_ms", elapsedMs);
            finishedAt.ifPresent(t -> out.put("finished_at", t.toString()));
            return out;
        }

        /** A {@code result} message or a {@code last_result} of status back into its record. */
        public static Result of(Map<String, Object> document) throws MalformedMessage {
            Fields f = Fields.of(document);
            Outcome outcome = switch (f.string("outcome")) {
                case "succeeded" -> new Outcome.Succeeded(f.ints("ports"), f.longs("pids"), f.longs("old_pids"));
                case "rolled_back" -> new Outcome.RolledBack(f.string("failed_in"), f.string("reason"),
                        f.optionalString("detail").orElse(""));
                default -> throw f.wrong("outcome", "succeeded or rolled_back");
            };
            Optional<Instant> finished;
            try {
                finished = f.optionalString("finished_at").map(Instant::parse);
            } catch (RuntimeException e) {
                throw f.wrong("finished_at", "an instant");
            }
            return new Result(f.string("group"), f.number("generation"), outcome, f.number("elapsed_ms"), finished);
        }
    }

    /** {@code {"type":"done"}}: every message of the request was sent. */
    record Done() implements Answer {
    }

    /** {@code {"type":"stopping","pid":N}}: rolld stops; the connection closes when it has exited. */
    record Stopping(long pid) implements Answer {
    }

    /** Right before the exec, which closes the connection: the image that answers and the one it becomes. */
    record Reexecing(long pid, String version, String newVersion, Instant started) implements Answer {
    }

    /** {@code {"type":"status","report":{...}}}: the state file's document. */
    record Status(Map<String, Object> report) implements Answer {
    }

    /** {@code {"type":"history","records":[...]}}: the last rollouts, oldest first. */
    record History(List<Map<String, Object>> records) implements Answer {
        public History {
            records = List.copyOf(records);
        }
    }

    /** {@code rolld logs}: the files each group's workers write to, and the workers that wrote them. */
    record Sources(List<GroupSources> groups) implements Answer {
        public Sources {
            groups = List.copyOf(groups);
        }

        /** {@code toRolldsOutput}: the streams ({@code out}, {@code err}) its workers send to rolld's own output. */
        public record GroupSources(String group, List<File> files, List<Worker> workers, List<String> toRolldsOutput) {
            public GroupSources {
                files = List.copyOf(files);
                workers = List.copyOf(workers);
                toRolldsOutput = List.copyOf(toRolldsOutput);
            }
        }

        public record File(String path, List<String> streams, List<Integer> slots) {
            public File {
                streams = List.copyOf(streams);
                slots = List.copyOf(slots);
            }
        }

        /** A worker's life: {@code endedMs} empty while it runs; {@code serving} when it belongs to the active set. */
        public record Worker(int slot, int port, long pid, long generation, long startedMs, OptionalLong endedMs, boolean serving) {
        }
    }

    /** One of rolld's own log lines ({@code "line"} on the wire): {@code group} empty for the daemon's. */
    record Line(long timeMs, String level, Optional<String> group, String text, Map<String, Object> fields) implements Answer {
        public Line {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** {@code rolld logs}: every recent line was sent; with {@code follow}, new ones follow. */
    record CaughtUp() implements Answer {
    }

    /** {@code rolld logs -f}: this many lines were dropped, the client read too slowly. */
    record Dropped(long lines) implements Answer {
    }

    /** The answer as its one line, without the newline. */
    default String line() {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (this) {
            case Error e -> {
                out.put("type", "error");
                out.put("code", e.code().wire());
                out.put("message", e.message());
            }
            case Accepted a -> {
                out.put("type", "accepted");
                out.put("groups", a.groups());
                out.put("op", a.op());
            }
            case SteerAccepted s -> {
                out.put("type", "accepted");
                out.put("group", s.group());
                out.put("command", s.command());
                out.put("step", s.step());
            }
            case Event e -> {
                out.put("type", e.name());
                out.putAll(e.fields());
            }
            case Result r -> {
                out.put("type", "result");
                out.putAll(r.document());
            }
            case Done d -> out.put("type", "done");
            case Stopping s -> {
                out.put("type", "stopping");
                out.put("pid", s.pid());
            }
            case Reexecing r -> {
                out.put("type", "reexecing");
                out.put("pid", r.pid());
                out.put("version", r.version());
                out.put("new_version", r.newVersion());
                out.put("started", r.started().toString());
            }
            case Status s -> {
                out.put("type", "status");
                out.put("report", s.report());
            }
            case History h -> {
                out.put("type", "history");
                out.put("records", h.records());
            }
            case Sources s -> {
                out.put("type", "sources");
                out.put("groups", s.groups().stream().map(Answer::sourcesOf).toList());
            }
            case Line l -> {
                out.put("type", "line");
                out.put("time_ms", l.timeMs());
                out.put("level", l.level());
                l.group().ifPresent(g -> out.put("group", g));
                out.put("line", l.text());
                out.put("fields", l.fields());
            }
            case CaughtUp c -> out.put("type", "caught_up");
            case Dropped d -> {
                out.put("type", "dropped");
                out.put("lines", d.lines());
            }
        }
        return Json.line(out);
    }

    private static Map<String, Object> sourcesOf(Sources.GroupSources g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("group", g.group());
        out.put("files", g.files().stream().map(f -> {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", f.path());
            file.put("streams", f.streams());
            file.put("slots", f.slots());
            return file;
        }).toList());
        out.put("workers", g.workers().stream().map(w -> {
            Map<String, Object> worker = new LinkedHashMap<>();
            worker.put("slot", w.slot());
            worker.put("port", w.port());
            worker.put("pid", w.pid());
            worker.put("generation", w.generation());
            worker.put("started_ms", w.startedMs());
            w.endedMs().ifPresent(ms -> worker.put("ended_ms", ms));
            worker.put("serving", w.serving());
            return worker;
        }).toList());
        out.put("to_rollds_output", g.toRolldsOutput());
        return out;
    }

    /**
     * An answer line back into its record. A type this build does not know (a newer daemon's
     * event) is an {@link Event}, which a client passes over.
     */
    static Answer decode(String line) throws MalformedMessage {
        Fields f = Fields.of(line);
        String type = f.string("type");
        return switch (type) {
            case "error" -> new Error(ErrorCode.fromWire(f.string("code")).orElseThrow(() -> f.wrong("code", "a known error code")),
                    f.optionalString("message").orElse(""));
            case "accepted" -> f.optionalString("command").isPresent()
                    ? new SteerAccepted(f.string("group"), f.string("command"), f.string("step"))
                    : new Accepted(f.strings("groups"), f.optionalString("op").orElse("restart"));
            case "result" -> Result.of(f.without("type"));
            case "done" -> new Done();
            case "stopping" -> new Stopping(f.number("pid"));
            case "reexecing" -> {
                Instant started;
                try {
                    started = Instant.parse(f.string("started"));
                } catch (RuntimeException e) {
                    throw f.wrong("started", "an instant");
                }
                yield new Reexecing(f.number("pid"), f.string("version"), f.string("new_version"), started);
            }
            case "status" -> new Status(f.object("report"));
            case "history" -> new History(f.objects("records"));
            case "sources" -> {
                List<Sources.GroupSources> groups = new ArrayList<>();
                for (Map<String, Object> g : f.objects("groups")) {
                    groups.add(groupSources(Fields.of(g)));
                }
                yield new Sources(groups);
            }
            case "line" -> new Line(f.number("time_ms"), f.optionalString("level").orElse(""), f.optionalString("group"),
                    f.optionalString("line").orElse(""), f.raw("fields") instanceof Map<?, ?> ? f.object("fields") : Map.of());
            case "caught_up" -> new CaughtUp();
            case "dropped" -> new Dropped(f.number("lines"));
            default -> new Event(type, f.without("type"));
        };
    }

    private static Sources.GroupSources groupSources(Fields g) throws MalformedMessage {
        List<Sources.File> files = new ArrayList<>();
        for (Map<String, Object> file : g.objects("files")) {
            Fields f = Fields.of(file);
            files.add(new Sources.File(f.string("path"), f.strings("streams"), f.ints("slots")));
        }
        List<Sources.Worker> workers = new ArrayList<>();
        for (Map<String, Object> worker : g.objects("workers")) {
            Fields w = Fields.of(worker);
            workers.add(new Sources.Worker((int) w.number("slot"), (int) w.number("port"), w.number("pid"), w.number("generation"),
                    w.number("started_ms"), w.optionalNumber("ended_ms"), w.flag("serving")));
        }
        return new Sources.GroupSources(g.string("group"), files, workers, g.strings("to_rollds_output"));
    }
}
