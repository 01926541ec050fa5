package io.rolld.probe;

import io.rolld.config.SmokeTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Polls the smoke tests of a group against every port of a new workset until all pass, the
 * deadline passes, or the caller reports a reason to give up (a worker exited).
 */
public final class Readiness {
    /** How often a port that is not ready yet is probed again. */
    static final Duration POLL = Duration.ofMillis(50);
    static final String HOST = "127.0.0.1";

    private final List<SmokeTest> tests;
    private final Duration poll;

    public Readiness(List<SmokeTest> tests) {
        this(tests, POLL);
    }

    /** {@code poll}: the pause between rounds (tests make it long, to see that an exit ends it). */
    Readiness(List<SmokeTest> tests, Duration poll) {
        this.tests = List.copyOf(tests);
        this.poll = poll;
    }

    public sealed interface Outcome {
        long elapsedMs();
    }

    public record Passed(long elapsedMs, int attempts) implements Outcome {
    }

    /** Gave up: {@code port} is the first port still failing, {@code last} what it last answered. */
    public record Failed(int port, String reason, long elapsedMs, int attempts) implements Outcome {
    }

    /**
     * Probes every pending port at once, in rounds 50 ms apart. Every port is probed at least
     * once, and a round that ends past the deadline is the last, so the wait overruns
     * {@code timeout} by at most one request's timeout, however many ports there are.
     *
     * @param abortReason asked before every probe of a pending port; a present value ends the
     *                    wait at once with that reason (e.g. "worker exited: exit status 1")
     * @param wake        completes when {@code abortReason} may have become present (a worker
     *                    exited): the pause between rounds ends then, so an exit is acted on at
     *                    once, not at the next round
     */
    public Outcome await(List<Integer> ports, Duration timeout, Function<Integer, Optional<String>> abortReason,
                         CompletableFuture<?> wake) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Probe> probes = tests.stream().map(Readiness::probeFor).toList();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<Integer, ProbeResult> pending = new LinkedHashMap<>();
            ports.forEach(p -> pending.put(p, new ProbeResult.Unreachable("not probed yet")));
            int attempts = 0;
            while (true) {
                Map<Integer, Future<ProbeResult>> round = new LinkedHashMap<>();
                for (Integer port : pending.keySet()) {
                    Optional<String> abort = abortReason.apply(port);
                    if (abort.isPresent()) {
                        return new Failed(port, abort.get(), elapsedMs(start), attempts);
                    }
                    round.put(port, pool.submit(() -> checkAll(probes, port)));
                }
                for (var probed : round.entrySet()) {
                    ProbeResult result = outcomeOf(probed.getValue());
                    if (result instanceof ProbeResult.Ready) {
                        pending.remove(probed.getKey());
                    } else {
                        pending.put(probed.getKey(), result);
                    }
                }
                attempts++;
                if (pending.isEmpty()) {
                    return new Passed(elapsedMs(start), attempts);
                }
                if (System.nanoTime() >= deadline) {
                    var first = pending.entrySet().iterator().next();
                    return new Failed(first.getKey(), "not ready after " + timeout.toMillis() + "ms (" + pending.size()
                            + " of " + ports.size() + " ports failing, last answer: " + first.getValue() + ")",
                            elapsedMs(start), attempts);
                }
                pause(wake, poll);
            }
        } finally {
            pool.shutdownNow(); // on interrupt (shutdown), probes in flight are cut short
            probes.forEach(Probe::close);
        }
    }

    /**
     * One round: every port probed once, all at once (a bake re-checks a set that already passed);
     * the first failing port in {@code ports} order with its answer, or empty when all pass.
     */
    public Optional<Failed> checkOnce(List<Integer> ports) throws InterruptedException {
        long start = System.nanoTime();
        List<Probe> probes = tests.stream().map(Readiness::probeFor).toList();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<Integer, Future<ProbeResult>> round = new LinkedHashMap<>();
            ports.forEach(port -> round.put(port, pool.submit(() -> checkAll(probes, port))));
            for (var probed : round.entrySet()) {
                ProbeResult result = outcomeOf(probed.getValue());
                if (!(result instanceof ProbeResult.Ready)) {
                    return Optional.of(new Failed(probed.getKey(), result.toString(), elapsedMs(start), 1));
                }
            }
            return Optional.empty();
        } finally {
            pool.shutdownNow();
            probes.forEach(Probe::close);
        }
    }

    private static void pause(CompletableFuture<?> wake, Duration poll) throws InterruptedException {
        try {
            wake.get(poll.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the pause ended: at the next round, or a failed wake (the exit is asked for all the same)
        }
    }

    private static ProbeResult outcomeOf(Future<ProbeResult> probe) throws InterruptedException {
        try {
            return probe.get();
        } catch (ExecutionException e) {
            return new ProbeResult.Unreachable("probe failed: " + e.getCause());
        }
    }

    private static ProbeResult checkAll(List<Probe> probes, int port) {
        for (Probe probe : probes) {
            ProbeResult result = probe.check(HOST, port);
            if (!(result instanceof ProbeResult.Ready)) {
                return result;
            }
        }
        return new ProbeResult.Ready();
    }

    static Probe probeFor(SmokeTest test) {
        return switch (test) {
            case SmokeTest.Http http -> new HttpProbe(http);
            case SmokeTest.Tcp tcp -> new TcpProbe(tcp);
        };
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
