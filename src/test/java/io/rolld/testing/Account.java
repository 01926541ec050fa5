package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

/**
 * The user a test runs an installation as, as an operator without root would. When the tests run
 * as root (CI), that is {@code nobody} with its primary group: its processes are started through
 * util-linux {@code setpriv} (which execs, so the pid the test holds is the process's own) and
 * from {@code /}, and the place it works in is a fresh directory under /tmp that it owns (the
 * repository, and so {@code target/it} and the test's working directory, may sit in a directory
 * only root can enter). Otherwise it is the test's own user, and nothing is switched.
 */
public record Account(String user, String group, int uid, boolean switched) {
    private static final String UNPRIVILEGED = "nobody";

    /** The test's own user: commands run as they are. */
    public static Account self() {
        return new Account(System.getProperty("user.name"), "", uidOf(ProcessHandle.current().pid()), false);
    }

    /** {@code nobody} when the tests run as root, else the test's own user. */
    public static Account unprivileged() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return self();
        }
        Command group = Command.run("id", "-gn", UNPRIVILEGED);
        if (group.exitCode() != 0) {
            throw new AssertionError("no user " + UNPRIVILEGED + " on this machine: " + group.output());
        }
        return new Account(UNPRIVILEGED, group.output().strip(), uid(UNPRIVILEGED), true);
    }

    private static int uid(String user) {
        Command id = Command.run("id", "-u", user);
        if (id.exitCode() != 0) {
            throw new AssertionError("id -u " + user + ": " + id.output());
        }
        return Integer.parseInt(id.output().strip());
    }

    /** {@code command} as this account runs it: behind setpriv when switched. */
    public List<String> command(List<String> command) {
        List<String> as = new ArrayList<>();
        if (switched) {
            as.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups", "--", "env", "--chdir=/"));
        }
        as.addAll(command);
        return as;
    }

    /** A fresh directory under /tmp, mode 0700, that this account owns; {@link Project#delete} removes it. */
    public Path newHome(String name) {
        try {
            Path home = Files.createTempDirectory(Path.of("/tmp"), "rolld-" + name + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            own(home);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives {@code dir} (made by the test) to this account, so its processes may write there. */
    public Path own(Path dir) {
        if (!switched) {
            return dir;
        }
        try {
            UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal owner = names.lookupPrincipalByName(user);
            GroupPrincipal ownerGroup = names.lookupPrincipalByGroupName(group);
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            view.setOwner(owner);
            view.setGroup(ownerGroup);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uid {@code pid} runs as (its real uid, from /proc). */
    public static int uidOf(long pid) {
        try {
            String line = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            return Integer.parseInt(line.split("\\s+")[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
