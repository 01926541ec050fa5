package io.rolld.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A worker's stdout file made a FIFO that nobody reads: the spawn of that worker blocks in the
 * child's open(2) (posix_spawn waits for the child's exec), so rolld stays in STARTING with the
 * other new workers spawned but not yet recorded, the one window in which it dies knowing no pid
 * of them. {@link #release()} lets the blocked spawn go on and keeps reading what that worker
 * writes until {@link #close()}, at the end of the test (a worker whose stdout has no reader dies
 * of EPIPE at its first line).
 */
final class BlockedSpawn implements AutoCloseable {
    private final Path fifo;
    private FileChannel reading;

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
     * True if the blocked child outlived the SIGKILLed rolld below {@code subreaper}: an orphan
     * that has not exec'd app.py yet (whether it does depends on how rolld spawns).
     */
    static boolean outlivedRolld(ProcessHandle subreaper) {
        return subreaper.children().anyMatch(p -> !p.info().commandLine().orElse("").contains("app.py"));
    }

    /**
     * Opens the FIFO (read-write: that never blocks, and a reader's open completes the blocked
     * writer's), reads it in a daemon thread, and removes its name so that later workers in the slot
     * write a plain file again. Safe to call twice.
     */
    synchronized void release() throws IOException {
        if (reading != null) {
            return;
        }
        FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        reading = channel;
        Files.delete(fifo);
        Thread.ofPlatform().daemon().name("fifo-" + fifo.getFileName()).start(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            try {
                while (channel.read(buffer.clear()) >= 0) {
                    // what the worker writes is not looked at
                }
            } catch (ClosedChannelException closed) {
                // close(): the end of the test
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Never leaves a spawn blocked; ends the reading (closing the channel wakes the blocked read). */
    @Override
    public synchronized void close() throws IOException {
        release();
        reading.close();
    }
}
