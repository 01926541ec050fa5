package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A launcher that runs a packaged rolld the way a host with no JDK would: from {@code /}, with no
 * {@code JAVA_HOME}, a {@code PATH} with no {@code java} on it and, as root, the JDKs themselves
 * hidden (a private mount namespace with an empty /usr/lib/jvm, and the test's own JDK). It refuses
 * to run (exit 99) if a {@code java} is still reachable. Every exec keeps the pid, so the process
 * the test starts is rolld itself. It may run rolld as another {@link Account} (after hiding the
 * JDKs, which needs root).
 */
public final class NoJdk {
    public static final int JDK_REACHABLE = 99;

    private NoJdk() {
    }

    /** Writes {@code DIR/NAME}, which runs {@code target} (e.g. /usr/bin/rolld) with its arguments. */
    public static Path launcher(Path dir, String name, Path target) {
        return launcher(dir, name, target, Account.self());
    }

    /** Like {@link #launcher(Path, String, Path)}, with {@code target} run as {@code account}. */
    public static Path launcher(Path dir, String name, Path target, Account account) {
        try {
            Path tools = Files.createDirectories(dir.resolve("no-jdk-tools"));
            // What bin/rolld needs from PATH besides bash builtins, now that the JDKs' directories are gone from it.
            for (String tool : List.of("readlink")) {
                Path link = tools.resolve(tool);
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, Path.of(Project.program(tool, "/usr/bin/" + tool, "/bin/" + tool)));
                }
            }
            List<Path> hidden = new ArrayList<>();
            for (Path jdk : List.of(Path.of("/usr/lib/jvm"), Path.of(System.getProperty("java.home")).toRealPath())) {
                if (Files.isDirectory(jdk) && hidden.stream().noneMatch(jdk::startsWith)) {
                    hidden.add(jdk);
                }
            }
            // As root the JDKs are hidden, so /usr/bin/java (a link into /usr/lib/jvm) leads nowhere and
            // /usr/bin stays; otherwise every directory that has a java goes.
            boolean root = "root".equals(System.getProperty("user.name"));
            List<String> path = new ArrayList<>(List.of(tools.toString()));
            Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).filter(d -> !d.isEmpty())
                    .filter(d -> hidden.stream().noneMatch(h -> Path.of(d).toAbsolutePath().startsWith(h)))
                    .filter(d -> root || !Files.exists(Path.of(d, "java"), LinkOption.NOFOLLOW_LINKS))
                    .forEach(path::add);
            String as = account.command(List.of()).stream().map(word -> word + " ").collect(java.util.stream.Collectors.joining());
            String script = """
                    #!/bin/bash
                    # %s with no JDK reachable (written by io.rolld.testing.NoJdk).
                    set -euo pipefail
                    unset JAVA_HOME JDK_HOME
                    export PATH='%s'
                    cd /
                    check='if command -v java >/dev/null 2>&1; then echo "no-jdk: java is still reachable: $(command -v java)" >&2; exit %d; fi'
                    if [[ "$(id -u)" == 0 ]]; then
                        exec unshare --mount --propagation private -- /bin/bash -c \\
                            'for d in %s; do mount -t tmpfs -o size=1m no-jdk "$d"; done; '"$check"'; exec "$@"' no-jdk %s'%s' "$@"
                    fi
                    eval "$check"
                    exec %s'%s' "$@"
                    """.formatted(target, String.join(":", path), JDK_REACHABLE, String.join(" ", hidden.stream().map(Path::toString).toList()),
                    as, target, as, target);
            Path launcher = dir.resolve(name);
            Files.writeString(launcher, script);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            return launcher;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
