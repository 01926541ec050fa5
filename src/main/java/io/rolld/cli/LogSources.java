package io.rolld.cli;

import io.rolld.control.Answer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code rolld logs} knows of the groups' files and workers, from the daemon's {@code sources}
 * messages: every file seen stays followed, every worker seen stays known with its lifetime, so a
 * line is attributed to the worker that was writing to its file when it was written.
 */
final class LogSources {
    /** How much earlier than rolld's record of its start a worker may have written (rolld notes it after the spawn). */
    private static final long START_SLACK_MS = 2000;

    record File(String group, Path path, List<String> streams, List<Integer> slots) {
    }

    record Life(String group, int slot, long pid, Instant started, Optional<Instant> ended, boolean serving) {
        boolean aliveAt(Instant t) {
            return ended.map(e -> !e.isBefore(t)).orElse(true);
        }
    }

    private final Map<Path, File> files = new LinkedHashMap<>();
    private final Map<Long, Life> lives = new LinkedHashMap<>();

    /** Takes in a {@code sources} message; returns the files it names for the first time. */
    List<File> update(Answer.Sources message) {
        List<File> added = new ArrayList<>();
        for (Answer.Sources.GroupSources g : message.groups()) {
            for (Answer.Sources.File f : g.files()) {
                Path path = Path.of(f.path());
                File file = new File(g.group(), path, f.streams(), f.slots());
                if (files.put(path, file) == null) {
                    added.add(file);
                }
            }
            for (Answer.Sources.Worker w : g.workers()) {
                lives.put(w.pid(), new Life(g.group(), w.slot(), w.pid(), Instant.ofEpochMilli(w.startedMs()),
                        w.endedMs().isPresent() ? Optional.of(Instant.ofEpochMilli(w.endedMs().getAsLong())) : Optional.empty(),
                        w.serving()));
            }
        }
        return added;
    }

    /** The streams of groups whose workers write to rolld's own output, by group. */
    static Map<String, List<String>> toRolldsOutput(Answer.Sources message) {
        Map<String, List<String>> streams = new LinkedHashMap<>();
        for (Answer.Sources.GroupSources g : message.groups()) {
            if (!g.toRolldsOutput().isEmpty()) {
                streams.put(g.group(), g.toRolldsOutput());
            }
        }
        return streams;
    }

    List<File> files() {
        return List.copyOf(files.values());
    }

    /** True when a worker of the group's active set writes to {@code file}. */
    boolean serving(File file) {
        return lives.values().stream().anyMatch(l -> l.serving() && l.ended().isEmpty() && owns(file, l));
    }

    /**
     * The workers that may have written a line of {@code file} at {@code t}: those alive then that
     * had started; when two generations share the file (held sockets, or a file without
     * {@code {numproc}}), every one of them.
     */
    List<Life> writers(File file, Instant t) {
        List<Life> alive = lives.values().stream().filter(l -> owns(file, l) && l.aliveAt(t))
                .filter(l -> !l.started().isAfter(t.plusMillis(START_SLACK_MS))).toList();
        List<Life> begun = alive.stream().filter(l -> !l.started().isAfter(t)).toList();
        List<Life> chosen = begun.isEmpty() ? alive : begun;
        return chosen.stream().sorted(Comparator.comparing(Life::started)).toList();
    }

    /** {@code app 8501 pid 4242 err|}: group, slots, pids of {@link #writers}, stream. */
    String label(File file, Instant t) {
        List<Life> writers = writers(file, t);
        String slots = (writers.isEmpty() ? file.slots().stream() : writers.stream().map(Life::slot)).distinct()
                .map(String::valueOf).collect(Collectors.joining(","));
        String pids = writers.isEmpty() ? "" : " pid " + writers.stream().map(l -> String.valueOf(l.pid())).collect(Collectors.joining(","));
        return file.group() + " " + slots + pids + " " + String.join("+", file.streams()) + "|";
    }

    private static boolean owns(File file, Life life) {
        return life.group().equals(file.group()) && file.slots().contains(life.slot());
    }
}
