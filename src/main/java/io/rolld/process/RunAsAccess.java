package io.rolld.process;

import io.rolld.os.Account;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether the account a worker will run as ({@code user:}/{@code group:}) can reach what it needs,
 * checked before it is spawned: enter its {@code directory} (search permission on every directory
 * of the path), execute the program {@code cmd} names by a path, and read the other files
 * {@code cmd} names (a script). Otherwise the worker would start and die with a bare "Permission
 * denied" in its stderr; the refusal names the path, its mode and its owner instead.
 *
 * <p>The kernel's rules without ACLs or capabilities: the owner's bits when the account owns the
 * file, else the group's bits when one of its groups owns it, else the others'. stdout and stderr
 * need nothing: rolld opens them before the identity switch (as systemd does for
 * {@code StandardOutput=append:}).
 */
final class RunAsAccess {
    private static final int READ = 4;
    private static final int EXECUTE = 1;

    private RunAsAccess() {
    }

    /** What the account cannot reach, first problem first; empty when nothing is in the way. */
    static Optional<String> problem(Account account, Path directory, List<String> command) {
        Optional<String> blocked = enter(account, directory);
        if (blocked.isPresent()) {
            return blocked;
        }
        for (int i = 0; i < command.size(); i++) {
            String word = command.get(i);
            boolean program = i == 0;
            if (program && !word.contains("/")) {
                continue; // found in PATH, like execvp
            }
            Path file;
            try {
                file = directory.resolve(word).normalize();
            } catch (InvalidPathException e) {
                continue; // no path at all: an argument
            }
            if (!Files.isRegularFile(file)) {
                continue; // not a file: an argument
            }
            Optional<String> problem = enter(account, file.getParent())
                    .or(() -> lacks(account, file, program ? EXECUTE : READ, program ? "execute" : "read"));
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /** Search permission on every directory from / down to {@code directory}, symbolic links resolved. */
    private static Optional<String> enter(Account account, Path directory) {
        Path real;
        try {
            real = directory.toRealPath();
        } catch (IOException e) {
            return Optional.empty(); // missing: the spawn says so itself
        }
        Path walked = real.getRoot();
        Optional<String> problem = lacks(account, walked, EXECUTE, "enter");
        for (Path name : real) {
            if (problem.isPresent()) {
                return problem;
            }
            walked = walked.resolve(name);
            problem = lacks(account, walked, EXECUTE, "enter");
        }
        return problem;
    }

    private static Optional<String> lacks(Account account, Path path, int need, String verb) {
        Map<String, Object> ids;
        PosixFileAttributes attributes;
        try {
            ids = Files.readAttributes(path, "unix:mode,uid,gid");
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (IOException e) {
            return Optional.empty();
        }
        int mode = (Integer) ids.get("mode");
        if (allowed(account, mode, (Integer) ids.get("uid"), (Integer) ids.get("gid"), need, attributes.isDirectory())) {
            return Optional.empty();
        }
        return Optional.of("user " + account.user() + " (uid " + account.uid() + ", groups " + account.groups().stream().sorted()
                .map(String::valueOf).collect(Collectors.joining(",")) + ") cannot " + verb + " " + path + " ("
                + (attributes.isDirectory() ? "d" : "-") + PosixFilePermissions.toString(attributes.permissions())
                + " " + attributes.owner().getName() + ":" + attributes.group().getName() + ")");
    }

    static boolean allowed(Account account, int mode, int owner, int group, int need, boolean directory) {
        if (account.uid() == 0) { // root: anything, but a file executes only with some execute bit
            return need != EXECUTE || directory || (mode & 0111) != 0;
        }
        int bits = owner == account.uid() ? mode >> 6 & 7 : account.groups().contains(group) ? mode >> 3 & 7 : mode & 7;
        return (bits & need) == need;
    }
}
