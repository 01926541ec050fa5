package io.rolld.daemon;

import io.rolld.os.AtomicFile;
import io.rolld.rollout.RolloutEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every worker rolld has running, kept in a file beside the state file ({@code workers}: one
 * {@code pid start group port} line each, where start is the kernel's start time of the process),
 * so that a rolld restarted after being killed (SIGKILL, the OOM killer, a crash) finds the
 * workers its predecessor left behind. Matching the start time too guards against pid reuse: a
 * pid whose process started at another time belongs to someone else now.
 */
final class Leftovers implements Consumer<RolloutEvent> {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    /** One worker a previous rolld started; {@code process} is alive and still the same process. */
    record Leftover(ProcessHandle process, String group, int port) {
    }

    private record Entry(long pid, String start, String group, int port) {
        String line() {
            return pid + " " + start + " " + group + " " + port + "\n";
        }
    }

    private final Path file;
    private final Map<Long, Entry> running = new LinkedHashMap<>(); // guarded by this

    Leftovers(Path file) {
        this.file = file;
    }

    /** The workers listed in the file that still run as the same processes. */
    List<Leftover> find() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Leftover> found = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            if (f.length != 4 || !f[0].matches("[0-9]{1,18}") || !f[3].matches("[0-9]{1,5}")) {
                continue; // not a line rolld wrote: nothing to match safely
            }
            Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(f[0]));
            if (p.isPresent() && startOf(p.get()).filter(f[1]::equals).isPresent()) {
                found.add(new Leftover(p.get(), f[2], Integer.parseInt(f[3])));
            }
        }
        return found;
    }

    @Override
    public synchronized void accept(RolloutEvent event) {
        switch (event) {
            case RolloutEvent.WorkerStarted w -> add(w.pid(), w.group(), w.port());
            case RolloutEvent.WorkerRespawned w -> add(w.pid(), w.group(), w.port());
            case RolloutEvent.WorkerStopped w -> running.remove(w.pid());
            case RolloutEvent.WorkerCrashed w -> running.remove(w.pid());
            default -> {
                return; // transitions and outcomes change no process
            }
        }
        StringBuilder text = new StringBuilder();
        running.values().forEach(e -> text.append(e.line()));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Never fail a rollout over it: the worst case is a leftover found by its port later.
            LOG.warn("{}", Logfmt.event("workers_file_failed").kv("file", file).kv("error", e.toString())
                    .kv("action", "rollouts go on; a rolld restarted after a crash may not find these workers"));
        }
    }

    private void add(long pid, String group, int port) {
        ProcessHandle.of(pid).flatMap(Leftovers::startOf).ifPresent(start -> running.put(pid, new Entry(pid, start, group, port)));
    }

    Path file() {
        return file;
    }

    private static Optional<String> startOf(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toString);
    }
}
