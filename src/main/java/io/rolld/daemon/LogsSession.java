package io.rolld.daemon;

import io.rolld.config.GroupConfig;
import io.rolld.logs.EventRing;
import io.rolld.logs.GroupFiles;
import io.rolld.logs.WorkerLives;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * {@code {"op":"logs"}}: the files the groups' workers write to (the client reads them itself, so a
 * chatty worker costs the daemon nothing), rolld's recent lines for those groups, and with
 * {@code follow} every later line plus a new {@code sources} message whenever the workers change.
 */
final class LogsSession {
    /** At most this many lines wait for a slow follower; beyond, they are counted and dropped. */
    static final int FOLLOW_QUEUE = 10_000;
    /** How often a follower's sources are compared with the groups' when no line arrives. */
    private static final long SOURCES_CHECK_MS = 1000;

    /** What a logs session reads from the daemon. */
    interface Groups {
        List<String> names();

        Optional<GroupConfig> config(String group);

        /** Pids of the group's active set that are alive. */
        Set<Long> serving(String group);

        List<WorkerLives.Life> lives(String group);

        EventRing recent();
    }

    private final Groups groups;
    private final List<String> names;

    private LogsSession(Groups groups, List<String> names) {
        this.groups = groups;
        this.names = names;
    }

    static void serve(Map<String, Object> request, Groups groups, InputStream in, Writer out) throws IOException {
        List<String> requested = new ArrayList<>();
        if (request.get("groups") instanceof List<?> list) {
            list.forEach(n -> requested.add(String.valueOf(n)));
        }
        List<String> unknown = requested.stream().filter(n -> !groups.names().contains(n)).toList();
        if (!unknown.isEmpty()) {
            ControlSession.send(out, ControlSession.error(ControlProtocol.NO_SUCH_GROUP, "no such group: " + String.join(", ", unknown)
                    + " (groups: " + String.join(", ", groups.names()) + ")"));
            return;
        }
        int lines = request.get("lines") instanceof Number n ? n.intValue() : 20;
        if (lines < 0) {
            ControlSession.send(out, ControlSession.error(ControlProtocol.BAD_REQUEST, "lines must be 0 or more, not " + lines));
            return;
        }
        Optional<Instant> since = request.get("since_ms") instanceof Number n ? Optional.of(Instant.ofEpochMilli(n.longValue()))
                : Optional.empty();
        boolean follow = Boolean.TRUE.equals(request.get("follow"));
        new LogsSession(groups, requested.isEmpty() ? groups.names() : List.copyOf(requested)).run(lines, since, follow, in, out);
    }

    private void run(int lines, Optional<Instant> since, boolean follow, InputStream in, Writer out) throws IOException {
        Predicate<EventRing.Entry> matches = e -> (e.group().isEmpty() || names.contains(e.group().get()))
                && since.map(s -> !e.time().isBefore(s)).orElse(true);
        BlockingQueue<EventRing.Entry> live = new LinkedBlockingQueue<>(FOLLOW_QUEUE);
        AtomicLong dropped = new AtomicLong();
        try (EventRing.Tail tail = groups.recent().tail(matches, lines, follow ? Optional.of(e -> {
            if (!live.offer(e)) {
                dropped.incrementAndGet();
            }
        }) : Optional.empty())) {
            List<Map<String, Object>> sources = sources();
            ControlSession.send(out, ControlProtocol.message("sources").with("groups", sources));
            for (EventRing.Entry e : tail.history()) {
                ControlSession.send(out, line(e));
            }
            ControlSession.send(out, ControlProtocol.message("caught_up"));
            if (!follow) {
                ControlSession.send(out, ControlProtocol.message("done"));
                return;
            }
            Thread session = Thread.currentThread();
            // The client ends a follow by closing the connection; nothing else would wake this thread.
            Thread.ofVirtual().name("logs-client-watch").start(() -> {
                try {
                    while (in.read() >= 0) {
                        continue;
                    }
                } catch (IOException e) {
                    // reset: gone as well
                }
                session.interrupt();
            });
            follow(live, dropped, sources, out);
        }
    }

    private void follow(BlockingQueue<EventRing.Entry> live, AtomicLong dropped, List<Map<String, Object>> sent, Writer out)
            throws IOException {
        try {
            while (true) {
                EventRing.Entry e = live.poll(SOURCES_CHECK_MS, TimeUnit.MILLISECONDS);
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    ControlSession.send(out, ControlProtocol.message("dropped").with("lines", lost));
                }
                // Workers change with the events that tell of them: the sources go out before the event's line.
                List<Map<String, Object>> now = sources();
                if (!now.equals(sent)) {
                    ControlSession.send(out, ControlProtocol.message("sources").with("groups", now));
                    sent = now;
                }
                if (e != null) {
                    ControlSession.send(out, line(e));
                }
            }
        } catch (InterruptedException e) {
            // the client closed the connection
        }
    }

    private List<Map<String, Object>> sources() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String name : names) {
            Optional<GroupConfig> config = groups.config(name);
            if (config.isEmpty()) {
                continue; // removed by a HUP while followed
            }
            Set<Long> serving = groups.serving(name);
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("group", name);
            group.put("files", GroupFiles.of(config.get()).stream().map(f -> Map.<String, Object>of("path", f.path().toString(),
                    "streams", f.streams(), "slots", f.slots())).toList());
            group.put("workers", groups.lives(name).stream().map(l -> {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("slot", l.slot());
                w.put("port", l.port());
                w.put("pid", l.pid());
                w.put("generation", l.generation());
                w.put("started_ms", l.started().toEpochMilli());
                w.put("ended_ms", l.ended().map(Instant::toEpochMilli).orElse(null));
                w.put("serving", serving.contains(l.pid()));
                return w;
            }).toList());
            group.put("to_rollds_output", GroupFiles.toRolldsOutput(config.get()));
            all.add(group);
        }
        return all;
    }

    private static ControlProtocol.Message line(EventRing.Entry e) {
        return ControlProtocol.message("line").with("time_ms", e.time().toEpochMilli()).with("level", e.level())
                .with("group", e.group().orElse(null)).with("line", e.line()).with("fields", e.fields());
    }
}
