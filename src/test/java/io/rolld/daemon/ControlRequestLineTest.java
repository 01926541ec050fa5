package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ControlSession#readRequest}: one line, bounded, read byte by byte from the client. */
class ControlRequestLineTest {
    private static final int LIMIT = 16;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "exactly the limit, then newline | 0123456789abcdef\\n   | 0123456789abcdef",
            "short line                      | {\"op\":\"status\"}\\n | {\"op\":\"status\"}",
            "end of stream without newline   | {\"op\":\"x\"}          | {\"op\":\"x\"}",
            "two lines: the first only       | a\\nb\\n              | a",
            "multi-byte UTF-8                | é€\\n                  | é€"})
    void readRequest_whenWithinTheLimit_returnsTheLineWithoutItsNewline(String name, String input, String expected) throws IOException {
        assertEquals(expected, ControlSession.readRequest(stream(input), LIMIT));
    }

    @Test
    void readRequest_atTheEndOfTheStream_returnsNull() throws IOException {
        assertNull(ControlSession.readRequest(stream(""), LIMIT));
    }

    @Test
    void readRequest_whenTheLineIsOneByteTooLong_refusesAfterReadingLimitPlusOne() {
        CountingStream in = new CountingStream(stream("0123456789abcdefg" + "x".repeat(1000) + "\\n"));

        var e = assertThrows(ControlSession.RequestTooLarge.class, () -> ControlSession.readRequest(in, LIMIT));

        assertEquals(LIMIT + 1, in.read, "bytes read");
        assertTrue(e.getMessage().contains("request longer than 16 bytes"), e.getMessage());
    }

    private static InputStream stream(String escaped) {
        return new ByteArrayInputStream(escaped.replace("\\n", "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Counts the bytes taken from the stream, to show the rest of a long line is never read. */
    private static final class CountingStream extends InputStream {
        private final InputStream in;
        int read;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                read++;
            }
            return b;
        }
    }
}
