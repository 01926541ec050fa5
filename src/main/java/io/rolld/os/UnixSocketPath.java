package io.rolld.os;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A Unix socket address for a path of any length. The JDK binds at most 106 bytes of
 * {@code sun_path}; a longer path is reached through a short alias: a symlink to the socket's
 * directory, in a fresh 0700 directory under {@code java.io.tmpdir}, removed right after the
 * bind or connect (both follow symlinks in the directories of the path, and the socket itself
 * stays where it was asked to be).
 */
public final class UnixSocketPath {
    /** sun_path is 108 bytes; the JDK takes at most 106 of them (it keeps room for the NUL and a margin). */
    static final int MAX_BYTES = 106;

    /** What is done with the address: a bind or a connect. */
    public interface Use<T> {
        T with(UnixDomainSocketAddress address) throws IOException;
    }

    private UnixSocketPath() {
    }

    public static <T> T use(Path path, Use<T> use) throws IOException {
        Path absolute = path.toAbsolutePath();
        if (absolute.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return use.with(UnixDomainSocketAddress.of(path));
        }
        Path aliasDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "rolld-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = aliasDir.resolve("d");
        try {
            Files.createSymbolicLink(link, absolute.getParent());
            return use.with(UnixDomainSocketAddress.of(link.resolve(absolute.getFileName())));
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(aliasDir);
        }
    }
}
