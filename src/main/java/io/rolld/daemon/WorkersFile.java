package io.rolld.daemon;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.os.AtomicFile;
import io.rolld.os.ProcessStartTime;
import io.rolld.process.WorkerRecord;
import io.rolld.rollout.IntentLog;
import io.rolld.rollout.Intent;
import io.rolld.rollout.Leftovers;
import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every worker rolld runs, kept in {@code workers} beside the state file so that a rolld started
 * after this one died (SIGKILL, the OOM killer, a crash) finds them and adopts them: per worker its
 * group, generation, slot, port, pid, kernel start time (which tells it from a later process
 * reusing the pid) and, in held-socket mode, the descriptors it holds the group's sockets on; per
 * group the generation that serves. It is rewritten atomically (temp file + rename) through a
 * {@link CoalescedWriter}: a spawned, stopped or crashed worker is written within
 * {@link #INTERVAL} (the spawning thread never waits for it); every phase end and an adoption's end
 * write it at once, before the rollout goes on. A rollout reports each worker as soon as its spawn
 * returns, so the file can miss a worker only within {@link #INTERVAL} of its spawn or respawn; a
 * rolld killed there leaves that worker unrecorded.
 *
 * <p>A rollout's {@link Intent} is written at once, before the step it announces runs
 * ({@link #record}); a rolld started after this one died reconciles from it.
 *
 * <p>A group's serving generation moves when a rollout has switched to its new set (it drains or
 * stops the old one, or succeeded), and when workers are adopted. Entries read at start stay until
 * their worker is adopted (kept), refused or stopped (dropped), so a rolld killed again while it
 * adopts loses nothing.
 */
final class WorkersFile implements Consumer<RolloutEvent>, IntentLog {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    private static final int FORMAT = 1;
    /** How long a change may wait for the next write while workers are being spawned. */
    static final Duration INTERVAL = Duration.ofMillis(100);

    private final Path file;
    private final ProcessStartTime starts;
    private final Map<Long, WorkerRecord> running = new LinkedHashMap<>(); // guarded by this
    private final Map<String, Long> serving = new LinkedHashMap<>(); // guarded by this
    private final Map<String, Intent> rollouts = new LinkedHashMap<>(); // guarded by this
    private final CoalescedWriter writer;

    WorkersFile(Path file, ProcessStartTime starts) {
        this(file, starts, System::nanoTime, CoalescedWriter.Timer.virtualThreads("workers-file"));
    }

    WorkersFile(Path file, ProcessStartTime starts, LongSupplier nanoTime, CoalescedWriter.Timer timer) {
        this.file = file;
        this.starts = starts;
        this.writer = new CoalescedWriter(this::write, INTERVAL, nanoTime, timer, this::failed);
    }

    Path file() {
        return file;
    }

    /**
     * What the previous rolld left, by group; nothing when there is no file. Its entries are kept
     * (and written back at the next change) until each worker is adopted, refused or stopped.
     *
     * @throws IOException when the file cannot be read or is not one rolld wrote
     */
    synchronized Map<String, Leftovers> load() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        Map<String, Object> root = JSON.std.mapFrom(text);
        if (!(root.get("format") instanceof Number n) || n.intValue() != FORMAT) {
            throw new IOException("not a workers file of this rolld (format " + root.get("format") + ", expected " + FORMAT + ")");
        }
        if (root.get("serving") instanceof Map<?, ?> s) {
            s.forEach((group, generation) -> serving.put(String.valueOf(group), ((Number) generation).longValue()));
        }
        if (root.get("rollouts") instanceof Map<?, ?> r) {
            for (var e : r.entrySet()) {
                rollouts.put(String.valueOf(e.getKey()), intent((Map<?, ?>) e.getValue()));
            }
        }
        Map<String, List<WorkerRecord>> byGroup = new LinkedHashMap<>();
        rollouts.keySet().forEach(group -> byGroup.put(group, new ArrayList<>()));
        if (root.get("workers") instanceof List<?> workers) {
            for (Object o : workers) {
                WorkerRecord r = record((Map<?, ?>) o);
                running.put(r.pid(), r);
                byGroup.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Leftovers> left = new LinkedHashMap<>();
        for (String group : byGroup.keySet()) {
            Long generation = serving.get(group);
            left.put(group, new Leftovers(generation == null ? OptionalLong.empty() : OptionalLong.of(generation), byGroup.get(group),
                    Optional.ofNullable(rollouts.get(group))));
        }
        return left;
    }

    /** A leftover the daemon stopped itself (its group is gone from rolld.yml). */
    void forget(long pid) {
        synchronized (this) {
            running.remove(pid);
        }
        writer.changed();
    }

    /** Write-ahead: returns once {@code intent} (or its end) is in the file, with every change pending before it. */
    @Override
    public void record(String group, Optional<Intent> intent) {
        synchronized (this) {
            if (intent.isPresent()) {
                rollouts.put(group, intent.get());
            } else {
                rollouts.remove(group);
            }
        }
        writer.changed();
        writer.flush();
    }

    /** Writes what is pending now (before an exec: the next image reads the file at once). */
    void flush() {
        writer.flush();
    }

    /** On a clean exit, before the file is removed: nothing is written any more. */
    void close() {
        writer.close();
    }

    @Override
    public void accept(RolloutEvent event) {
        boolean changed;
        synchronized (this) {
            changed = switch (event) {
                case RolloutEvent.WorkerStarted w -> add(w.group(), w.generation(), w.slot(), w.port(), w.pid(), w.heldFds());
                case RolloutEvent.WorkerRespawned w -> add(w.group(), w.generation(), w.slot(), w.port(), w.pid(), w.heldFds());
                case RolloutEvent.WorkerStopped w -> running.remove(w.pid()) != null;
                case RolloutEvent.WorkerCrashed w -> running.remove(w.pid()) != null;
                case RolloutEvent.WorkerRefused w -> running.remove(w.pid()) != null;
                case RolloutEvent.GroupAdopted a when a.adopted() > 0 -> serve(a.group(), a.generation());
                // From BAKING on the front points at the new set (a canary step: at both), so a rolld
                // restarted then must adopt the new generation, not stop it under the front's feet.
                case RolloutEvent.Transition t when t.phase() == Phase.BAKING || t.phase() == Phase.DRAINING
                        || t.phase() == Phase.STOPPING -> serve(t.group(), t.generation());
                case RolloutEvent.Finished(RolloutResult.Succeeded s, _) -> serve(s.group(), s.generation());
                // A bake that failed switched back: the old generation (always the attempted one - 1) serves again.
                case RolloutEvent.Finished(RolloutResult.Failed f, _) when Long.valueOf(f.generation()).equals(serving.get(f.group())) ->
                        serve(f.group(), f.generation() - 1);
                default -> false; // nothing a restarted rolld needs changed
            };
        }
        boolean phaseEnd = event instanceof RolloutEvent.Transition || event instanceof RolloutEvent.Finished
                || event instanceof RolloutEvent.GroupAdopted;
        if (changed) {
            writer.changed();
        }
        if (phaseEnd) {
            writer.flush(); // with what earlier events left pending, e.g. a whole workset's spawns
        }
    }

    private void failed(IOException e) {
        // Never fail a rollout over it: the worst case is a rolld restarted after a crash starting afresh.
        LOG.warn("{}", Logfmt.event("workers_file_failed").kv("file", file).kv("error", e.toString())
                .kv("action", "rollouts go on; a rolld restarted after a crash may not find these workers"));
    }

    private boolean add(String group, long generation, int slot, int port, long pid, List<Integer> heldFds) {
        OptionalLong start = starts.of(pid);
        if (start.isEmpty()) {
            return false; // exited already: its exit event follows
        }
        running.put(pid, new WorkerRecord(group, generation, slot, port, pid, start.getAsLong(), heldFds));
        return true;
    }

    private boolean serve(String group, long generation) {
        Long before = serving.put(group, generation);
        return before == null || before != generation;
    }

    /** On the writer's thread or a flushing caller's: a snapshot under the lock, the file written outside it. */
    private void write() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        synchronized (this) {
            root.put("format", FORMAT);
            root.put("serving", new LinkedHashMap<>(serving));
            Map<String, Object> intents = new LinkedHashMap<>();
            rollouts.forEach((group, intent) -> intents.put(group, json(intent)));
            root.put("rollouts", intents);
            root.put("workers", running.values().stream().map(WorkersFile::json).toList());
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.replace(file, (JSON.std.asString(root) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> json(WorkerRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", r.group());
        m.put("generation", r.generation());
        m.put("slot", r.slot());
        m.put("port", r.port());
        m.put("pid", r.pid());
        m.put("start_time", r.startTime());
        m.put("held_fds", r.heldFds());
        return m;
    }

    private static Map<String, Object> json(Intent intent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", intent.phase().name());
        m.put("from", intent.from());
        m.put("to", intent.to());
        m.put("front", intent.front().name());
        return m;
    }

    private static Intent intent(Map<?, ?> m) throws IOException {
        try {
            return new Intent(Phase.valueOf((String) m.get("phase")), number(m, "from"), number(m, "to"),
                    Intent.FrontTarget.valueOf((String) m.get("front")));
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new IOException("not a rollout intent: " + m, e);
        }
    }

    private static WorkerRecord record(Map<?, ?> m) throws IOException {
        try {
            return new WorkerRecord((String) m.get("group"), number(m, "generation"), (int) number(m, "slot"),
                    (int) number(m, "port"), number(m, "pid"), number(m, "start_time"),
                    ((List<?>) m.get("held_fds")).stream().map(fd -> ((Number) fd).intValue()).toList());
        } catch (ClassCastException | NullPointerException e) {
            throw new IOException("not a worker entry: " + m, e);
        }
    }

    private static long number(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).longValue();
    }
}
