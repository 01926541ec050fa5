package io.rolld.daemon;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.control.Request;
import io.rolld.os.AtomicFile;
import io.rolld.process.Release;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every group's last rollouts, with what each generation ran ({@link Release}), built from the
 * rollout event stream and kept in {@code history} beside the state file (mode 0600: a release's
 * environment may hold secrets), so {@code rolld history} and {@code rolld rollback} work across
 * rolld's restarts and re-execs. The file is rewritten through a {@link CoalescedWriter}, and at
 * once when a rollout ends, before its result reaches a waiting client.
 */
final class GenerationHistory implements Consumer<RolloutEvent> {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    private static final int FORMAT = 1;
    /** Rollouts kept per group. */
    static final int KEPT = 100;
    static final Duration INTERVAL = Duration.ofMillis(100);

    private final Path file;
    private final Clock clock;
    private final List<GenerationRecord> records = new ArrayList<>(); // oldest first; guarded by this
    private final CoalescedWriter writer;

    GenerationHistory(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        this.writer = new CoalescedWriter(this::write, INTERVAL, System::nanoTime,
                CoalescedWriter.Timer.virtualThreads("history-file"), this::failed);
    }

    /**
     * Reads what earlier rollds recorded; a rollout that was still running is {@code interrupted}
     * until a {@link RolloutEvent.Reconciled} says how it ended. A missing file is an empty history;
     * an unreadable one is logged and left to be replaced.
     */
    synchronized void load() {
        try {
            Map<String, Object> root = JSON.std.mapFrom(Files.readString(file, StandardCharsets.UTF_8));
            if (!(root.get("format") instanceof Number n) || n.intValue() != FORMAT) {
                throw new IOException("not a history file of this rolld (format " + root.get("format") + ", expected " + FORMAT + ")");
            }
            for (Object o : (List<?>) root.get("records")) {
                GenerationRecord r = GenerationRecord.of((Map<?, ?>) o);
                records.add(r.result().equals(GenerationRecord.RUNNING)
                        ? r.ended(GenerationRecord.INTERRUPTED, r.durationMs(), "", "rolld stopped during the rollout") : r);
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | RuntimeException e) {
            records.clear();
            LOG.warn("{}", Logfmt.event("history_file_unreadable").kv("file", file).kv("error", e.toString())
                    .kv("action", "starting an empty history"));
        }
    }

    @Override
    public void accept(RolloutEvent event) {
        boolean changed;
        synchronized (this) {
            changed = switch (event) {
                case RolloutEvent.Started s -> {
                    records.add(new GenerationRecord(s.group(), s.generation(), clock.instant(), s.trigger(), Optional.empty(),
                            GenerationRecord.RUNNING, 0, "", "", OptionalLong.empty()));
                    trim(s.group());
                    yield true;
                }
                case RolloutEvent.ReleaseResolved r -> update(r.group(), r.generation(), GenerationRecord.RUNNING,
                        g -> g.withRelease(r.release()));
                case RolloutEvent.Gap g -> update(g.group(), g.generation(), GenerationRecord.RUNNING, r -> r.withGap(g.ms()));
                case RolloutEvent.Finished(RolloutResult.Succeeded s, _) -> update(s.group(), s.generation(), GenerationRecord.RUNNING,
                        g -> g.ended(GenerationRecord.SUCCEEDED, s.elapsedMs(), "", ""));
                case RolloutEvent.Finished(RolloutResult.Failed f, _) -> update(f.group(), f.generation(), GenerationRecord.RUNNING,
                        g -> g.ended(GenerationRecord.ROLLED_BACK, f.elapsedMs(), f.failedIn().name(), f.reason()));
                case RolloutEvent.Reconciled r -> update(r.group(), r.to(), GenerationRecord.INTERRUPTED,
                        g -> r.generation() == r.to()
                                ? g.ended(GenerationRecord.SUCCEEDED, g.durationMs(), "", "finished by the next rolld: " + r.action())
                                : g.ended(GenerationRecord.ROLLED_BACK, g.durationMs(), r.phase().name(),
                                        "rolld stopped during " + r.phase() + "; the next rolld went back: " + r.action()));
                default -> false; // nothing the history shows
            };
        }
        if (!changed) {
            return;
        }
        writer.changed();
        if (event instanceof RolloutEvent.Finished || event instanceof RolloutEvent.Reconciled) {
            writer.flush(); // on disk before a waiting client hears the result
        }
    }

    /** The last {@code limit} rollouts of {@code group} (every group when empty), oldest first. */
    synchronized List<GenerationRecord> last(Optional<String> group, int limit) {
        List<GenerationRecord> of = records.stream().filter(r -> group.isEmpty() || r.group().equals(group.get())).toList();
        return List.copyOf(of.subList(Math.max(0, of.size() - limit), of.size()));
    }

    /** The latest successful rollout of {@code group} to {@code generation} (generations restart at 1 when rolld starts afresh). */
    synchronized Optional<GenerationRecord> succeeded(String group, long generation) {
        return records.reversed().stream().filter(r -> r.group().equals(group) && r.generation() == generation && r.succeeded())
                .findFirst();
    }

    /** What each generation of {@code group} ran: the latest record of each number that was not rolled back. */
    synchronized Map<Long, Release> releasesOf(String group) {
        Map<Long, Release> ran = new LinkedHashMap<>();
        records.stream().filter(r -> r.group().equals(group) && r.release().isPresent() && !r.result().equals(GenerationRecord.ROLLED_BACK))
                .forEach(r -> ran.put(r.generation(), r.release().get()));
        return ran;
    }

    /** The rollout to {@code generation} of {@code group} in progress, if one is. */
    synchronized Optional<GenerationRecord> running(String group, long generation) {
        return records.reversed().stream().filter(r -> r.group().equals(group) && r.generation() == generation
                && r.result().equals(GenerationRecord.RUNNING)).findFirst();
    }

    /**
     * What {@code rolld rollback} rolls out for {@code group}, serving {@code serving}: the latest
     * successful generation of {@code target} (a generation, or a release directory, as recorded: symlinks
     * resolved when the caller could, else normalized), or without one
     * the latest successful generation before the serving one that ran something else (another
     * release, command or environment). Fails with the reason it cannot.
     */
    synchronized GenerationRecord rollbackTarget(String group, long serving, Request.Rollback.Target target) throws NoTarget {
        List<GenerationRecord> succeeded = records.stream().filter(r -> r.group().equals(group) && r.succeeded()
                && r.release().isPresent()).toList();
        switch (target) {
            case Request.Rollback.Target.Generation(long generation) -> {
                return succeeded.reversed().stream().filter(r -> r.generation() == generation).findFirst()
                        .orElseThrow(() -> new NoTarget("no successful rollout of generation " + generation + " of group " + group
                                + " is recorded (see rolld history " + group + ")"));
            }
            case Request.Rollback.Target.ReleaseDirectory(Path directory) -> {
                return succeeded.reversed().stream().filter(r -> r.release().get().directory().equals(directory)).findFirst()
                        .orElseThrow(() -> new NoTarget("no successful rollout of group " + group + " ran release " + directory
                                + " (see rolld history " + group + ")"));
            }
            case Request.Rollback.Target.Previous() -> {
                Optional<GenerationRecord> current = succeeded(group, serving);
                int before = current.map(succeeded::indexOf).orElse(succeeded.size());
                for (int i = before - 1; i >= 0; i--) {
                    GenerationRecord r = succeeded.get(i);
                    if (current.isEmpty() || !r.release().equals(current.get().release())) {
                        return r;
                    }
                }
                throw new NoTarget("nothing to roll back to: no earlier successful rollout of group " + group
                        + " ran another release than generation " + serving + " (see rolld history " + group + ")");
            }
        }
    }

    /** There is no generation to roll back to. */
    static final class NoTarget extends Exception {
        NoTarget(String message) {
            super(message);
        }
    }

    /** Writes what is pending now (before an exec: the next image reads the file at once). */
    void flush() {
        writer.flush();
    }

    /** On a clean exit: the history is written and kept. */
    void close() {
        writer.flush();
        writer.close();
    }

    Path file() {
        return file;
    }

    /** Replaces the latest record of {@code group} to {@code generation} that is {@code in}; false when there is none. */
    private boolean update(String group, long generation, String in, UnaryOperator<GenerationRecord> change) {
        for (int i = records.size() - 1; i >= 0; i--) {
            GenerationRecord r = records.get(i);
            if (r.group().equals(group) && r.generation() == generation && r.result().equals(in)) {
                records.set(i, change.apply(r));
                return true;
            }
        }
        return false;
    }

    private void trim(String group) {
        List<GenerationRecord> of = records.stream().filter(r -> r.group().equals(group)).toList();
        if (of.size() > KEPT) {
            records.removeAll(of.subList(0, of.size() - KEPT));
        }
    }

    private void write() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        synchronized (this) {
            root.put("format", FORMAT);
            root.put("records", records.stream().map(GenerationRecord::stored).toList());
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.replacePrivate(file, (JSON.std.asString(root) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void failed(IOException e) {
        LOG.warn("{}", Logfmt.event("history_file_failed").kv("file", file).kv("error", e.toString())
                .kv("action", "rollouts go on; rolld history and rollback answer from memory"));
    }
}
