package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Backoff ONE_SECOND_TO_THIRTY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void delay_doublesFromTheInitialDelay_upToTheCap() {
        List<Long> seconds = IntStream.rangeClosed(1, 8).mapToObj(n -> ONE_SECOND_TO_THIRTY.delay(n).toSeconds()).toList();

        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), seconds);
    }

    @Test
    void delay_afterVeryManyCrashes_staysAtTheCapWithoutOverflow() {
        assertEquals(Duration.ofSeconds(30), ONE_SECOND_TO_THIRTY.delay(Integer.MAX_VALUE));
    }

    @Test
    void delay_whenTheInitialDelayExceedsTheCap_isTheCap() {
        assertEquals(Duration.ofSeconds(2), new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(2)).delay(1));
    }

    @Test
    void delay_beforeAnyCrash_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> ONE_SECOND_TO_THIRTY.delay(0));
    }

    @Test
    void crashesInARow_whenTheWorkerStayedUpLongEnough_startsANewSeries() {
        assertEquals(1, Backoff.crashesInARow(7, Duration.ofSeconds(60), Duration.ofSeconds(60)));
    }

    @Test
    void crashesInARow_whenTheWorkerDiedSooner_continuesTheSeries() {
        assertEquals(8, Backoff.crashesInARow(7, Duration.ofMillis(59_999), Duration.ofSeconds(60)));
    }
}
