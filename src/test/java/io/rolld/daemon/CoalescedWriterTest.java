package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.os.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coalesced writer with a hand-turned clock and timer: no thread, no sleep. */
class CoalescedWriterTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    /** A clock the test moves, and a timer that runs its tasks when the test says they are due. */
    private static final class ManualTime implements CoalescedWriter.Timer {
        long now = 1_000_000_000L;
        private final List<long[]> due = new ArrayList<>();
        private final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void after(Duration delay, Runnable task) {
            due.add(new long[] {now + delay.toNanos()});
            tasks.add(task);
        }

        void advance(Duration by) {
            now += by.toNanos();
            for (int i = 0; i < tasks.size(); ) {
                if (due.get(i)[0] <= now) {
                    due.remove(i);
                    tasks.remove(i).run();
                } else {
                    i++;
                }
            }
        }

        int pending() {
            return tasks.size();
        }
    }

    /** The owner's state and every content written, in order. */
    private static final class Owner {
        String state = "";
        final List<String> writes = new ArrayList<>();
        boolean failNext;

        void write() throws IOException {
            if (failNext) {
                failNext = false;
                throw new IOException("disk full");
            }
            writes.add(state);
        }
    }

    private final ManualTime time = new ManualTime();
    private final Owner owner = new Owner();
    private final List<IOException> failures = new ArrayList<>();
    private final CoalescedWriter writer = new CoalescedWriter(owner::write, INTERVAL, () -> time.now, time, failures::add);

    private void change(String state) {
        owner.state = state;
        writer.changed();
    }

    @Test
    void changed_neverWritesOnTheCallersThread() {
        change("a");
        change("b");

        assertEquals(List.of(), owner.writes);
        assertEquals(1, time.pending(), "one timer for the whole burst");
    }

    @Test
    void changed_firstChange_isWrittenAtOnceByTheTimer() {
        change("a");
        time.advance(Duration.ZERO);

        assertEquals(List.of("a"), owner.writes);
    }

    @Test
    void changed_aBurstWithinTheInterval_isOneWriteOfTheLastState() {
        change("a");
        time.advance(Duration.ZERO);
        for (int i = 1; i <= 100; i++) {
            change("spawned " + i);
            time.advance(Duration.ofMillis(1));
        }
        time.advance(INTERVAL);

        assertEquals(List.of("a", "spawned 100"), owner.writes,
                "a write at most every 100 ms, the last one with the last state");
    }

    @Test
    void changed_neverWritesTwiceWithinTheInterval() {
        List<Long> writeTimes = new ArrayList<>();
        CoalescedWriter timed = new CoalescedWriter(() -> writeTimes.add(time.now), INTERVAL, () -> time.now, time, failures::add);
        for (int i = 0; i < 500; i++) {
            timed.changed();
            time.advance(Duration.ofMillis(3));
        }
        time.advance(INTERVAL);

        assertTrue(writeTimes.size() >= 14, writeTimes.toString());
        for (int i = 1; i < writeTimes.size(); i++) {
            assertTrue(writeTimes.get(i) - writeTimes.get(i - 1) >= INTERVAL.toNanos(), "writes " + i + " and " + (i + 1));
        }
    }

    @Test
    void changed_duringAWrite_isWrittenByTheNextOne() {
        List<String> writes = new ArrayList<>();
        AtomicBoolean once = new AtomicBoolean();
        CoalescedWriter[] self = new CoalescedWriter[1];
        self[0] = new CoalescedWriter(() -> {
            writes.add(owner.state);
            if (once.compareAndSet(false, true)) {
                owner.state = "changed while writing"; // another thread's change, arriving mid-write
                self[0].changed();
            }
        }, INTERVAL, () -> time.now, time, failures::add);
        owner.state = "first";
        self[0].changed();
        time.advance(Duration.ZERO);
        time.advance(INTERVAL);

        assertEquals(List.of("first", "changed while writing"), writes);
    }

    @Test
    void flush_writesAtOnceWhatIsPending_andTheTimerThenHasNothingToDo() {
        change("a");
        change("b");
        writer.flush();

        assertEquals(List.of("b"), owner.writes);
        time.advance(INTERVAL);
        assertEquals(List.of("b"), owner.writes);
    }

    @Test
    void flush_withNothingChanged_writesNothing() {
        writer.flush();
        change("a");
        writer.flush();
        writer.flush();

        assertEquals(List.of("a"), owner.writes);
    }

    @Test
    void failedWrite_losesNothing_theNextChangeWritesTheLatestState() {
        change("a");
        owner.failNext = true;
        time.advance(Duration.ZERO);
        assertEquals(1, failures.size());
        assertEquals(List.of(), owner.writes);

        writer.flush();

        assertEquals(List.of("a"), owner.writes, "the failed write's changes are still pending");
    }

    @Test
    void close_noWriteAfterwards() {
        change("a");
        writer.close();
        time.advance(INTERVAL);
        change("b");
        writer.flush();
        time.advance(INTERVAL);

        assertEquals(List.of(), owner.writes);
    }

    /** The real file: the writer with AtomicFile, a reader racing it, bounded by count. */
    @Test
    void realFile_aReaderNeverSeesAPartialFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("workers");
        String big = "x".repeat(64 * 1024) + "\n";
        String other = "y".repeat(64 * 1024) + "\n";
        String[] state = {big};
        CoalescedWriter real = new CoalescedWriter(() -> AtomicFile.replace(file, state[0].getBytes(StandardCharsets.UTF_8)),
                Duration.ZERO, System::nanoTime, (delay, task) -> task.run(), failures::add);
        real.changed();
        AtomicBoolean done = new AtomicBoolean();
        List<String> seen = new ArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 100_000 && !done.get(); i++) {
                try {
                    String read = Files.readString(file);
                    if (!read.equals(big) && !read.equals(other)) {
                        seen.add("partial content of " + read.length() + " chars");
                        return;
                    }
                } catch (IOException e) {
                    seen.add(e.toString());
                    return;
                }
            }
        });
        for (int i = 0; i < 200; i++) {
            state[0] = i % 2 == 0 ? other : big;
            real.changed();
        }
        done.set(true);
        reader.join();

        assertEquals(List.of(), seen);
        assertEquals(List.of(), failures);
        assertEquals(big, Files.readString(file), "the last write wins");
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "no temporary file left");
        }
    }

    @Test
    void realFile_aWriteThatFailsLeavesTheOldContentWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.json");
        AtomicFile.replace(file, "old\n".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(dir.resolve(".state.json.rolld-tmp").resolve("occupied")); // the temp file cannot be written

        assertThrows(IOException.class, () -> AtomicFile.replace(file, "new\n".getBytes(StandardCharsets.UTF_8)));

        assertEquals("old\n", Files.readString(file));
    }
}
