package io.rolld.web;

import java.util.Arrays;
import java.util.List;

/**
 * A Prometheus histogram of seconds as an immutable value: {@link #observe} returns a new one.
 * {@code counts[i]} counts the observations at or below {@code BOUNDS[i]} and above the bound
 * before it; the {@code +Inf} bucket is {@code count}.
 */
record Histogram(long[] counts, double sum, long count) {
    /** From a quick held-socket rollout (tens of ms) to a slow drain (minutes). */
    static final List<Double> BOUNDS = List.of(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);

    static Histogram empty() {
        return new Histogram(new long[BOUNDS.size()], 0, 0);
    }

    Histogram observe(double seconds) {
        long[] next = Arrays.copyOf(counts, counts.length);
        for (int i = 0; i < BOUNDS.size(); i++) {
            if (seconds <= BOUNDS.get(i)) {
                next[i]++;
                break;
            }
        }
        return new Histogram(next, sum + seconds, count + 1);
    }

    /** Observations at or below {@code BOUNDS[i]}, as the exposition format's {@code le} buckets count. */
    long cumulative(int i) {
        long total = 0;
        for (int j = 0; j <= i; j++) {
            total += counts[j];
        }
        return total;
    }
}
