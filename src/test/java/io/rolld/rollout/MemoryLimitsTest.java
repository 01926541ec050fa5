package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.Supervision;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MemoryLimitsTest {
    private static Supervision.Memory between(long min, long max) {
        return new Supervision.Memory(max, min, Supervision.Metric.RSS, Duration.ofSeconds(10), Duration.ofMinutes(5), new Supervision.Per.Worker());
    }

    @Test
    void draw_staysWithinTheBounds_andSpreadsOverThem() {
        SplittableRandom random = new SplittableRandom(42);
        long[] limits = LongStream.range(0, 2000).map(i -> MemoryLimits.draw(between(200_000_000, 256_000_000), random)).toArray();

        assertTrue(LongStream.of(limits).allMatch(l -> l >= 200_000_000 && l <= 256_000_000));
        assertTrue(LongStream.of(limits).min().getAsLong() < 203_000_000, "reaches near the lower bound");
        assertTrue(LongStream.of(limits).max().getAsLong() > 253_000_000, "reaches near the upper bound");
        assertTrue(LongStream.of(limits).distinct().count() > 1900, "workers get different limits");
    }

    @Test
    void draw_withoutALowerBound_isTheLimit() {
        assertEquals(256_000_000, MemoryLimits.draw(between(256_000_000, 256_000_000), new SplittableRandom(1)));
    }
}
