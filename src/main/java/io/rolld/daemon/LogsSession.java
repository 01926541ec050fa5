package io.rolld.daemon;

import io.rolld.config.GroupConfig;
import io.rolld.control.Answer;
import io.rolld.control.ErrorCode;
import io.rolld.control.Request;
import io.rolld.logs.EventRing;
import io.rolld.logs.GroupFiles;
import io.rolld.logs.WorkerLives;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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

    static void serve(Request.Logs request, Groups groups, InputStream in, Writer out) throws IOException {
        List<String> unknown = request.groups().stream().filter(n -> !groups.names().contains(n)).toList();
        if (!unknown.isEmpty()) {
            ControlSession.send(out, new Answer.Error(ErrorCode.NO_SUCH_GROUP, "no such group: " + String.join(", ", unknown)
                    + " (groups: " + String.join(", ", groups.names()) + ")"));
            return;
        }
        new LogsSession(groups, request.groups().isEmpty() ? groups.names() : request.groups())
                .run(request.lines(), request.since(), request.follow(), in, out);
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
            Answer.Sources sources = sources();
            ControlSession.send(out, sources);
            for (EventRing.Entry e : tail.history()) {
                ControlSession.send(out, line(e));
            }
            ControlSession.send(out, new Answer.CaughtUp());
            if (!follow) {
                ControlSession.send(out, new Answer.Done());
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

    private void follow(BlockingQueue<EventRing.Entry> live, AtomicLong dropped, Answer.Sources sent, Writer out)
            throws IOException {
        try {
            while (true) {
                EventRing.Entry e = live.poll(SOURCES_CHECK_MS, TimeUnit.MILLISECONDS);
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    ControlSession.send(out, new Answer.Dropped(lost));
                }
                // Workers change with the events that tell of them: the sources go out before the event's line.
                Answer.Sources now = sources();
                if (!now.equals(sent)) {
                    ControlSession.send(out, now);
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

    private Answer.Sources sources() {
        List<Answer.Sources.GroupSources> all = new ArrayList<>();
        for (String name : names) {
            Optional<GroupConfig> config = groups.config(name);
            if (config.isEmpty()) {
                continue; // removed by a HUP while followed
            }
            Set<Long> serving = groups.serving(name);
            all.add(new Answer.Sources.GroupSources(name,
                    GroupFiles.of(config.get()).stream().map(f -> new Answer.Sources.File(f.path().toString(), f.streams(), f.slots())).toList(),
                    groups.lives(name).stream().map(l -> new Answer.Sources.Worker(l.slot(), l.port(), l.pid(), l.generation(),
                            l.started().toEpochMilli(), l.ended().map(e -> OptionalLong.of(e.toEpochMilli())).orElse(OptionalLong.empty()),
                            serving.contains(l.pid()))).toList(),
                    GroupFiles.toRolldsOutput(config.get())));
        }
        return new Answer.Sources(all);
    }

    private static Answer.Line line(EventRing.Entry e) {
        return new Answer.Line(e.time().toEpochMilli(), e.level(), e.group(), e.line(), e.fields());
    }
}
