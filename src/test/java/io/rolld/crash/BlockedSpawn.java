package io.rolld.crash;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A worker's stdout file made a FIFO that nobody reads yet: the spawn of that worker blocks in its
 * open(2) (posix_spawn waits for the child's exec), so rolld stays in STARTING with the other new
 * workers spawned but not yet recorded, the one window in which it dies knowing no pid of them.
 * {@link #release()} reads the FIFO (in a daemon thread, until the worker closes it), which lets
 * the blocked worker start; {@link #unlink()} removes the name, so later workers in that slot
 * write a plain file again.
 */
final class BlockedSpawn implements AutoCloseable {
    private final Path fifo;
    private Thread reader;

    private BlockedSpawn(Path fifo) {
        this.fifo = fifo;
    }

    /** Replaces {@code logFile} (if any) with a FIFO. */
    static BlockedSpawn at(Path logFile) throws IOException, InterruptedException {
        Files.createDirectories(logFile.getParent());
        Files.deleteIfExists(logFile);
        Process mkfifo = new ProcessBuilder("mkfifo", logFile.toString()).inheritIO().start();
        if (!mkfifo.waitFor(30, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
            mkfifo.destroyForcibly();
            throw new IllegalStateException("mkfifo " + logFile + " failed");
        }
        return new BlockedSpawn(logFile);
    }

    /** Opens the FIFO for reading and reads it to its end, in the background: the blocked spawn goes on. */
    synchronized void release() {
        if (reader == null) {
            reader = Thread.ofPlatform().daemon().name("fifo-" + fifo.getFileName()).start(() -> {
                try (InputStream in = new FileInputStream(fifo.toFile())) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Removes the FIFO's name (the worker that opened it keeps writing to it). */
    void unlink() throws IOException {
        Files.deleteIfExists(fifo);
    }

    /**
     * Never leaves a spawn blocked: a test that failed before {@link #release()} still lets its rolld
     * stop. A reader's open, however brief, wakes a writer blocked in open(2); O_RDWR never blocks.
     */
    @Override
    public synchronized void close() throws IOException {
        if (reader == null && Files.exists(fifo)) {
            new RandomAccessFile(fifo.toFile(), "rw").close();
        }
        unlink();
    }
}
