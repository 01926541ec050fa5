package io.rolld.rollout;

import io.rolld.front.Front;
import io.rolld.front.FrontContext;
import io.rolld.front.FrontException;
import io.rolld.os.Exit;
import io.rolld.os.ProcNetTcp;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import io.rolld.process.WorkerSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Host} of hand-written fakes: a port table read from files the test writes, a spawner
 * of {@link FakeWorkers} scripted by slot, a stopper that completes each worker's exit,
 * and a front that records what it was told.
 */
final class FakeHost {
    /** What the next spawn of a slot does; HOLD: counts {@link #holding} down, waits for {@link #unhold}, then runs. */
    enum Spawn { RUN, EXIT, FAIL, THROW, HOLD }

    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    final Path dir;
    /** By slot (a port, or a worker number): what its next spawn does, once; unscripted spawns run. */
    final Map<Integer, Spawn> script = new java.util.concurrent.ConcurrentHashMap<>();
    final List<WorkerSpec> spawned = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The workers spawned, in the order they started. */
    final List<Worker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<List<Long>> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<FrontContext> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every intent recorded, in order (empty: a rollout's end). */
    final List<Optional<Intent>> intents = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The intent last recorded when the front was applied, undone and each set stopped, in order: what each effect followed. */
    final List<String> effectsAfter = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile int undone;
    /** The front's apply throws this (a FrontException or a RuntimeException), when set. */
    Exception frontFailure;
    /** The stopper throws this on the set whose pids it is, when set. */
    RuntimeException stopFailure;
    List<Long> stopFailsOn = List.of();
    /** Counted down by the first spawn, which then waits for {@link #release} (when set). */
    final CountDownLatch spawning = new CountDownLatch(1);
    CountDownLatch release;
    final CountDownLatch holding = new CountDownLatch(1);
    final CountDownLatch unhold = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);

    FakeHost(Path dir) {
        this.dir = dir;
        writeTable("");
    }

    /** The port table from now on: {@code lines} in /proc/net/tcp format. */
    void writeTable(String lines) {
        try {
            Files.writeString(dir.resolve("tcp"), HEADER + lines);
            Files.writeString(dir.resolve("tcp6"), HEADER);
            Files.createDirectories(dir.resolve("proc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A LISTEN line for 127.0.0.1:{@code port} with socket inode {@code inode}. */
    static String listening(int port, long inode) {
        return "   0: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1\n".formatted(port, inode);
    }

    Host host() {
        return new Host(new ProcNetTcp(List.of(dir.resolve("tcp"), dir.resolve("tcp6")), dir.resolve("proc")),
                this::spawn, (set, signal, timeout) -> stop(set), config -> new RecordingFront(),
                (group, intent) -> intents.add(intent),
                new WorkerTag(dir.resolve("rolld.yml"))); // no process carries it: nothing unrecorded is found
    }

    private Worker spawn(WorkerSpec spec, List<Integer> fds) throws IOException {
        spawned.add(spec);
        if (release != null && first.compareAndSet(true, false)) {
            spawning.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("the test never released the first spawn");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        int slot = Integer.parseInt(spec.env().getOrDefault("ROLLD_WORKER", spec.env().get("ROLLD_PORT")));
        Spawn what = script.remove(slot);
        Worker w = switch (what == null ? Spawn.RUN : what) {
            case RUN -> FakeWorkers.running(spec.port());
            case HOLD -> {
                holding.countDown();
                try {
                    if (!unhold.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("the test never let the held spawn go on");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                yield FakeWorkers.running(spec.port());
            }
            case EXIT -> FakeWorkers.exited(spec.port(), new Exit.Code(3));
            case FAIL -> throw new IOException("no such file: " + spec.argv().getFirst());
            case THROW -> throw new IllegalStateException("spawner bug");
        };
        workers.add(w);
        return w;
    }

    /** Forgets what was recorded so far (a test's first start), keeping the workers. */
    void forget() {
        spawned.clear();
        stopped.clear();
        applied.clear();
        undone = 0;
        intents.clear();
        effectsAfter.clear();
    }

    /** The workers spawned with these pids, in their order. */
    List<Worker> withPids(List<Long> pids) {
        return pids.stream().flatMap(pid -> workers.stream().filter(w -> w.pid() == pid)).toList();
    }

    private Map<Long, Exit> stop(WorkerSet set) {
        if (stopFailure != null && set.pids().equals(stopFailsOn)) {
            throw stopFailure;
        }
        stopped.add(set.pids());
        effectsAfter.add("stop after " + lastIntent());
        Map<Long, Exit> exits = new HashMap<>();
        for (Worker w : set.workers()) {
            w.exit().complete(new Exit.Code(0));
            exits.put(w.pid(), w.exit().join());
        }
        return exits;
    }

    private String lastIntent() {
        return intents.isEmpty() ? "nothing" : intents.getLast().map(i -> i.phase() + "/" + i.front()).orElse("the end");
    }

    private final class RecordingFront implements Front {
        @Override
        public void apply(FrontContext context) throws FrontException {
            applied.add(context);
            effectsAfter.add("apply after " + lastIntent());
            if (frontFailure instanceof FrontException f) {
                throw f;
            }
            if (frontFailure instanceof RuntimeException r) {
                throw r;
            }
        }

        @Override
        public List<String> undo() {
            undone++;
            effectsAfter.add("undo after " + lastIntent());
            return List.of();
        }
    }
}
