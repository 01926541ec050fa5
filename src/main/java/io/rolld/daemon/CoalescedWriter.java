package io.rolld.daemon;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Rewrites a file (or a pair of files) from its owner's current state, coalescing changes: a
 * {@link #changed()} costs its caller a counter and at most one timer, never a write; the write runs
 * on the timer's thread, at most once per {@code interval}, and takes whatever the state is by
 * then, so the last change always wins and a burst of changes (a workset being spawned) costs one
 * write. {@link #flush()} writes at once on the caller's thread, for the moments a reader must find
 * the file complete (a phase end, before an exec). Writes never overlap, and the write itself is
 * the owner's {@link Write}, which replaces files atomically (temp file + rename).
 *
 * <p>Nothing is lost: a change counted before a write starts is in that write or, if the write
 * fails, in a later one; a change counted during a write schedules the next one.
 */
final class CoalescedWriter {
    /** Builds the content from the owner's state at the moment it is called and replaces the file(s). */
    @FunctionalInterface
    interface Write {
        void run() throws IOException;
    }

    /** Runs {@code task} once, {@code delay} from now, on a thread of its own choosing. */
    @FunctionalInterface
    interface Timer {
        void after(Duration delay, Runnable task);

        /** A virtual thread that sleeps until then: no platform thread waits for a write. */
        static Timer virtualThreads(String name) {
            return (delay, task) -> Thread.ofVirtual().name(name).start(() -> {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    return;
                }
                task.run();
            });
        }
    }

    private final Write write;
    private final Duration interval;
    private final LongSupplier nanoTime;
    private final Timer timer;
    private final Consumer<IOException> onFailure;
    /** Held while a write runs, so writes never overlap; never held by {@link #changed()}. */
    private final ReentrantLock writing = new ReentrantLock();

    // Guarded by this; held only for bookkeeping, never across a write.
    private long changes;
    private long written;
    private boolean scheduled;
    private boolean closed;
    private long lastWriteNanos;
    private boolean wroteOnce;

    CoalescedWriter(Write write, Duration interval, LongSupplier nanoTime, Timer timer, Consumer<IOException> onFailure) {
        this.write = write;
        this.interval = interval;
        this.nanoTime = nanoTime;
        this.timer = timer;
        this.onFailure = onFailure;
    }

    /** The owner's state changed (call after the change): it is written within {@code interval}. */
    void changed() {
        Duration delay;
        synchronized (this) {
            changes++;
            if (scheduled || closed) {
                return;
            }
            scheduled = true;
            long due = wroteOnce ? lastWriteNanos + interval.toNanos() : Long.MIN_VALUE;
            delay = Duration.ofNanos(Math.max(0, due - nanoTime.getAsLong()));
        }
        timer.after(delay, this::timerFired);
    }

    /** Writes now, on the caller's thread, if anything changed since the last write; returns once the file is complete. */
    void flush() {
        writeIfChanged();
    }

    /** No write starts after this returns (a write under way is waited for): the owner may delete the files. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        writing.lock();
        writing.unlock();
    }

    private void timerFired() {
        synchronized (this) {
            scheduled = false;
        }
        writeIfChanged();
    }

    private void writeIfChanged() {
        writing.lock();
        try {
            long upTo;
            synchronized (this) {
                if (closed || changes == written) {
                    return;
                }
                upTo = changes;
                lastWriteNanos = nanoTime.getAsLong();
                wroteOnce = true;
            }
            try {
                write.run();
            } catch (IOException e) {
                onFailure.accept(e); // the changes stay pending: the next change or flush tries again
                return;
            }
            synchronized (this) {
                written = Math.max(written, upTo);
            }
        } finally {
            writing.unlock();
        }
    }
}
