package io.rolld.process;

import io.rolld.os.Exit;
import io.rolld.config.PosixSignal;
import io.rolld.os.ProcessTree;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The workers of one generation of a group, one per port of its workset. */
public record WorkerSet(long generation, List<Worker> workers) {
    public WorkerSet {
        workers = List.copyOf(workers);
    }

    public static WorkerSet empty() {
        return new WorkerSet(0, List.of());
    }

    public List<Integer> ports() {
        return workers.stream().map(Worker::port).toList();
    }

    public List<Long> pids() {
        return workers.stream().map(Worker::pid).toList();
    }

    /** Completes as soon as any worker of the set exits (never, for an empty set). */
    public CompletableFuture<Object> anyExit() {
        return CompletableFuture.anyOf(workers.stream().map(Worker::exit).toArray(CompletableFuture[]::new));
    }

    /**
     * Stops every worker at once (each with its process tree, {@link ProcessTree}: one scan of
     * {@code /proc} for the whole set) and waits for all of them; returns how each one ended, by
     * pid. Stopping is never cut short: it runs on a thread of its own that nobody interrupts, and
     * the caller waits for it uninterruptibly (a shutdown arriving mid-rollout waits too).
     */
    public Map<Long, Exit> stop(PosixSignal signal, Duration timeout) {
        List<ProcessHandle> handles = workers.stream().map(Worker::handle).toList();
        CompletableFuture<List<Long>> stopping = new CompletableFuture<>();
        Thread.ofVirtual().name("stop-generation-" + generation).start(() -> {
            try {
                stopping.complete(ProcessTree.stop(handles, signal, timeout));
            } catch (InterruptedException | RuntimeException e) {
                stopping.completeExceptionally(e);
            }
        });
        Set<Long> killed = new HashSet<>(stopping.join());
        Map<Long, Exit> exits = new HashMap<>();
        workers.forEach(w -> exits.put(w.pid(), w.endedAfterStop(killed)));
        return exits;
    }
}
