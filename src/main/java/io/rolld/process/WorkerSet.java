package io.rolld.process;

import io.rolld.os.Exit;
import io.rolld.config.PosixSignal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

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
     * Stops every worker at once (each with its process tree) and waits for all of them; returns
     * how each one ended, by pid. Stopping is never cut short: a pending interrupt of the caller
     * (a shutdown arriving mid-rollout) is set aside until every worker is gone.
     */
    public Map<Long, Exit> stop(PosixSignal signal, Duration timeout) {
        Map<Long, Exit> exits = new ConcurrentHashMap<>();
        boolean interrupted = Thread.interrupted();
        try (var scope = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Worker w : workers) {
                scope.submit(() -> {
                    exits.put(w.pid(), w.stop(signal, timeout));
                    return null;
                });
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return exits;
    }
}
