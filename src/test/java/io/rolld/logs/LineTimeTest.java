package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LineTimeTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void of_rfc3339AtTheStart_isThatInstant() {
        assertEquals(Optional.of(Instant.parse("2026-12-07T20:15:47.123Z")), LineTime.of("2026-12-07T20:15:47.123Z INFO up", PARIS));
        assertEquals(Optional.of(Instant.parse("2026-12-07T19:15:47Z")), LineTime.of("2026-12-07T20:15:47+01:00 up", PARIS));
    }

    @Test
    void of_pythonLoggingWithoutZone_isLocalTime() {
        assertEquals(Optional.of(Instant.parse("2026-12-07T19:15:47.250Z")), LineTime.of("2026-12-07 20:15:47,250 INFO app: up", PARIS));
    }

    @Test
    void of_commonLogFormatAndHttpServer_areFoundInTheLine() {
        assertEquals(Optional.of(Instant.parse("2026-12-07T20:15:47Z")),
                LineTime.of("127.0.0.1 - - [07/Dec/2026:20:15:47 +0000] \"GET / HTTP/1.1\" 200 5", PARIS));
        assertEquals(Optional.of(Instant.parse("2026-12-07T19:15:47Z")),
                LineTime.of("127.0.0.1 - - [07/Dec/2026 20:15:47] \"GET / HTTP/1.1\" 200 -", PARIS));
    }

    @Test
    void of_lineWithoutAStamp_hasNoTime() {
        assertEquals(Optional.empty(), LineTime.of("listening on 127.0.0.1:8501 pid 4242", PARIS));
        assertEquals(Optional.empty(), LineTime.of("2026-13-45T99:99:99 not a date", PARIS));
    }
}
