package io.rolld.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded HTTP/1.1 load generator for loopback: {@code clients} threads, each with one
 * keep-alive connection (or, from {@link #startNewConnections}, a new connection per request),
 * sending {@code GET PATH} until {@link #stop()}, a maximum duration, or a maximum request count,
 * whichever comes first.
 *
 * <p>Plain sockets, so every failure is classified (see {@link HttpLoadReport}). A request whose
 * connection turns out to be closed before any byte of the response arrives, on a connection that
 * already carried a request (a keep-alive connection the server closed while idle, as nginx does
 * at reload), is counted as {@code idleClosed} and retried once on a fresh connection, as real
 * HTTP clients do for idempotent requests; it is not an error. Everything else is.
 */
public final class HttpLoad implements AutoCloseable {
    private static final int MAX_BODIES = 1_000;
    private static final int MAX_SAMPLES = 10;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final int port;
    private final byte[] request;
    private final long maxRequests;
    private final long deadlineNanos;
    private final Duration readTimeout;
    private final boolean keepAlive;
    private final long startNanos = System.nanoTime();
    private final AtomicLong issued = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Counters counters = new Counters();
    private volatile boolean stopped;
    private volatile long endNanos;

    private HttpLoad(int port, String path, int clients, Duration maxDuration, long maxRequests, Duration readTimeout,
                     boolean keepAlive) {
        this.port = port;
        this.keepAlive = keepAlive;
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: rolld-it\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.maxRequests = maxRequests;
        this.deadlineNanos = startNanos + maxDuration.toNanos();
        this.readTimeout = readTimeout;
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().name("http-load-" + port + "-" + i).daemon().unstarted(this::runClient));
        }
    }

    /**
     * Starts {@code clients} keep-alive clients sending {@code GET /} to 127.0.0.1:{@code port},
     * for at most {@code maxDuration} and {@code maxRequests} requests in total.
     */
    public static HttpLoad start(int port, int clients, Duration maxDuration, long maxRequests) {
        return start(port, "/", clients, maxDuration, maxRequests, Duration.ofSeconds(5));
    }

    public static HttpLoad start(int port, String path, int clients, Duration maxDuration, long maxRequests,
            Duration readTimeout) {
        return start(port, path, clients, maxDuration, maxRequests, readTimeout, true);
    }

    /** Like {@link #start(int, int, Duration, long)}, each request on a new connection ({@code Connection: close}). */
    public static HttpLoad startNewConnections(int port, int clients, Duration maxDuration, long maxRequests, Duration readTimeout) {
        return start(port, "/", clients, maxDuration, maxRequests, readTimeout, false);
    }

    private static HttpLoad start(int port, String path, int clients, Duration maxDuration, long maxRequests,
            Duration readTimeout, boolean keepAlive) {
        if (clients < 1 || maxRequests < 1 || maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("clients=" + clients + " maxRequests=" + maxRequests
                    + " maxDuration=" + maxDuration + " must be positive");
        }
        HttpLoad load = new HttpLoad(port, path, clients, maxDuration, maxRequests, readTimeout, keepAlive);
        load.threads.forEach(Thread::start);
        return load;
    }

    /** Waits until at least {@code n} requests completed (any outcome); fails after {@code timeout}. */
    public HttpLoad awaitCompleted(long n, Duration timeout) {
        Polling.require(() -> counters.completed() >= n || isDone(), timeout, n + " completed requests");
        if (counters.completed() < n) {
            throw new AssertionError("load ended after " + counters.completed() + " requests, wanted " + n
                    + ": " + report());
        }
        return this;
    }

    /** True once every client finished (limit reached or stopped). */
    public boolean isDone() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Counts so far (the load keeps running). */
    public HttpLoadReport report() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        return counters.snapshot(Duration.ofNanos(end - startNanos));
    }

    /** Stops the clients, waits for them (each finishes its current request), returns the final counts. */
    public HttpLoadReport stop() {
        stopped = true;
        long joinDeadline = System.nanoTime() + readTimeout.plusSeconds(5).toNanos();
        for (Thread thread : threads) {
            try {
                long left = joinDeadline - System.nanoTime();
                if (left > 0) {
                    thread.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not stop; " + report());
            }
        }
        if (endNanos == 0) {
            endNanos = System.nanoTime();
        }
        return report();
    }

    /** Waits until the limits end the load by themselves, then returns the final counts. */
    public HttpLoadReport awaitDone(Duration timeout) {
        Polling.require(this::isDone, timeout, "the load to reach its limits");
        return stop();
    }

    @Override
    public void close() {
        stopped = true;
        threads.forEach(Thread::interrupt);
    }

    private boolean mayIssue() {
        return !stopped && System.nanoTime() - deadlineNanos < 0 && issued.incrementAndGet() <= maxRequests;
    }

    private void runClient() {
        HttpConnection connection = null;
        try {
            while (mayIssue()) {
                connection = exchangeWithRetry(connection);
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** One logical request: counted once, whatever happens; returns the connection to reuse (or null). */
    private HttpConnection exchangeWithRetry(HttpConnection connection) {
        for (int attempt = 0; ; attempt++) {
            if (connection == null) {
                try {
                    connection = HttpConnection.open(port, CONNECT_TIMEOUT, readTimeout);
                } catch (ConnectException e) {
                    counters.record(Outcome.CONNECT_REFUSED, e);
                    return null;
                } catch (SocketTimeoutException e) {
                    counters.record(Outcome.TIMEOUT, e);
                    return null;
                } catch (IOException e) {
                    // A listener closed while our connection sat in its queue: ECONNRESET on connect.
                    boolean reset = String.valueOf(e.getMessage()).contains("reset");
                    counters.record(reset ? Outcome.RESET_BEFORE_RESPONSE : Outcome.OTHER_ERROR, e);
                    return null;
                }
            }
            Result result = connection.exchange(request);
            switch (result) {
                case Result.Response response -> {
                    counters.response(response.status(), response.body());
                    if (response.close()) {
                        counters.serverClosed.increment();
                    }
                    if (response.close() || !keepAlive) {
                        connection.close();
                        return null;
                    }
                    return connection;
                }
                case Result.Failed failed -> {
                    boolean reused = connection.reused();
                    connection.close();
                    if (failed.outcome().beforeResponse() && reused && attempt == 0) {
                        counters.idleClosed.increment();
                        connection = null;
                        continue; // retry once, on a fresh connection
                    }
                    counters.record(failed.outcome(), failed.cause());
                    return null;
                }
            }
        }
    }

    /** How a request ended when it did not end with a response. */
    enum Outcome {
        CONNECT_REFUSED(true),
        RESET_BEFORE_RESPONSE(true),
        EOF_BEFORE_RESPONSE(true),
        BROKEN_RESPONSE(false),
        TIMEOUT(false),
        OTHER_ERROR(false);

        private final boolean beforeResponse;

        Outcome(boolean beforeResponse) {
            this.beforeResponse = beforeResponse;
        }

        boolean beforeResponse() {
            return beforeResponse && this != CONNECT_REFUSED;
        }
    }

    sealed interface Result {
        record Response(int status, String body, boolean close) implements Result {
        }

        record Failed(Outcome outcome, Exception cause) implements Result {
        }
    }

    /** Thread-safe tallies. */
    private static final class Counters {
        final LongAdder[] byStatusClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
                new LongAdder(), new LongAdder()};
        final LongAdder[] byOutcome = new LongAdder[Outcome.values().length];
        final LongAdder idleClosed = new LongAdder();
        final LongAdder serverClosed = new LongAdder();
        final Set<String> bodies = ConcurrentHashMap.newKeySet();
        final Queue<String> samples = new ConcurrentLinkedQueue<>();

        Counters() {
            for (int i = 0; i < byOutcome.length; i++) {
                byOutcome[i] = new LongAdder();
            }
        }

        void response(int status, String body) {
            int statusClass = status / 100;
            byStatusClass[statusClass >= 1 && statusClass <= 5 ? statusClass : 0].increment();
            if (bodies.size() < MAX_BODIES) {
                bodies.add(body);
            }
        }

        void record(Outcome outcome, Exception cause) {
            byOutcome[outcome.ordinal()].increment();
            if (outcome != Outcome.CONNECT_REFUSED && samples.size() < MAX_SAMPLES) {
                samples.add(outcome + " " + cause);
            }
        }

        long completed() {
            long sum = 0;
            for (LongAdder adder : byStatusClass) {
                sum += adder.sum();
            }
            for (LongAdder adder : byOutcome) {
                sum += adder.sum();
            }
            return sum;
        }

        HttpLoadReport snapshot(Duration elapsed) {
            return new HttpLoadReport(completed(),
                    byStatusClass[2].sum(), byStatusClass[3].sum(), byStatusClass[4].sum(), byStatusClass[5].sum(),
                    byStatusClass[1].sum() + byStatusClass[0].sum(),
                    byOutcome[Outcome.CONNECT_REFUSED.ordinal()].sum(),
                    byOutcome[Outcome.RESET_BEFORE_RESPONSE.ordinal()].sum(),
                    byOutcome[Outcome.EOF_BEFORE_RESPONSE.ordinal()].sum(),
                    byOutcome[Outcome.BROKEN_RESPONSE.ordinal()].sum(),
                    byOutcome[Outcome.TIMEOUT.ordinal()].sum(),
                    byOutcome[Outcome.OTHER_ERROR.ordinal()].sum(),
                    idleClosed.sum(), serverClosed.sum(), Set.copyOf(bodies), List.copyOf(samples), elapsed);
        }
    }
}
