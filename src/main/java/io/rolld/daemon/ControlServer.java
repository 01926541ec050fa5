package io.rolld.daemon;

import io.rolld.os.UnixSocketPath;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The control socket: a Unix domain socket, mode 0600 from the moment it exists. It is bound
 * inside a fresh 0700 directory, narrowed to 0600, then renamed into place, so no one else can
 * ever connect. A lock file beside it ({@code rolld.sock.lock}, held for the daemon's life and
 * released by the kernel when it dies) makes a second daemon refuse to start; a socket left by a
 * dead daemon is replaced. Each connection is served on its own virtual thread.
 */
final class ControlServer implements AutoCloseable {
    private final Path path;
    private final FileChannel lockChannel;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    /** Serves one connection; the server closes it afterwards. */
    interface Session {
        void serve(SocketChannel channel) throws IOException;
    }

    /** Another daemon owns the socket. */
    static final class AlreadyRunning extends Exception {
        AlreadyRunning(String message) {
            super(message);
        }
    }

    private ControlServer(Path path, FileChannel lockChannel, ServerSocketChannel server, Session session) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("control").start(() -> accept(session));
    }

    /** Binds {@code path}; {@code staleReplaced} hears about a socket left behind by a dead daemon. */
    static ControlServer open(Path path, Session session, Runnable staleReplaced)
            throws IOException, AlreadyRunning {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path lockFile = path.resolveSibling(path.getFileName() + ".lock");
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                throw new AlreadyRunning("another rolld holds " + lockFile + " and serves " + path);
            }
            if (Files.exists(path)) {
                if (answers(path)) {
                    throw new AlreadyRunning("another rolld answers on " + path);
                }
                Files.delete(path);
                staleReplaced.run();
            }
            return new ControlServer(path, lockChannel, bindPrivately(path), session);
        } catch (IOException | AlreadyRunning | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = UnixSocketPath.use(path, SocketChannel::open)) {
            return probe.isConnected();
        } catch (IOException e) {
            return false; // connection refused: nobody listens, the file is stale
        }
    }

    private static ServerSocketChannel bindPrivately(Path path) throws IOException {
        Path privateDir = Files.createTempDirectory(path.toAbsolutePath().getParent(), ".rolld-bind-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path inside = privateDir.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            UnixSocketPath.use(inside, server::bind);
            Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rw-------"));
            Files.move(inside, path, StandardCopyOption.ATOMIC_MOVE);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(inside);
            throw e;
        } finally {
            Files.deleteIfExists(privateDir);
        }
    }

    Path path() {
        return path;
    }

    private void accept(Session session) {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed by close()
            }
            Thread.ofVirtual().name("control-session").start(() -> {
                try (client) {
                    session.serve(client);
                } catch (IOException e) {
                    // the client went away; nothing to answer
                }
            });
        }
    }

    /** Stops accepting, removes the socket, releases the lock. Sessions in progress may finish. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
            lockChannel.close();
            acceptor.join(1000);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("closing control socket " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
