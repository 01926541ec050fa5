package io.rolld.crash;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A worker's stdout file made a FIFO that nobody reads: the spawn of that worker blocks in the
 * child's open(2) (posix_spawn waits for the child's exec), so rolld stays in STARTING with the
 * other new workers spawned but not yet recorded, the one window in which it dies knowing no pid
 * of them. (The blocked child dies with a SIGKILLed rolld: it still shares rolld's memory.)
 * {@link #close()} lets a blocked spawn go on and removes the FIFO, so later workers in that slot
 * write a plain file again.
 */
final class BlockedSpawn implements AutoCloseable {
    private final Path fifo;

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

    /**
     * Wakes a spawn blocked on the FIFO (a reader's open, however brief, completes a writer's
     * open(2); O_RDWR itself never blocks), then removes it. Safe to call twice.
     */
    @Override
    public synchronized void close() throws IOException {
        if (Files.exists(fifo)) {
            new RandomAccessFile(fifo.toFile(), "rw").close();
            Files.delete(fifo);
        }
    }
}
