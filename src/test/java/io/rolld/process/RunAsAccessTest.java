package io.rolld.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.os.Account;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunAsAccessTest {
    /** Owns nothing here and belongs to no group that does; its files are root's. */
    private static final Account STRANGER = new Account("stranger", 4_000_000, 4_000_000, Set.of(4_000_000));

    @TempDir
    Path dir;
    private Path app;
    private Path script;

    @BeforeEach
    void layOut() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        app = Files.createDirectories(dir.resolve("app"));
        script = Files.writeString(app.resolve("app.py"), "print('hi')\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void everythingReachable_noProblem() {
        assertEquals(Optional.empty(), RunAsAccess.problem(STRANGER, app, List.of("python3", "app.py", "8001")));
    }

    @Test
    void aPrivateDirectoryOnThePath_isNamedWithItsModeAndOwner() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        String owner = Files.getOwner(dir).getName();
        String group = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        assertEquals(Optional.of("user stranger (uid 4000000, groups 4000000) cannot enter " + dir.toRealPath()
                        + " (drwx------ " + owner + ":" + group + ")"),
                RunAsAccess.problem(STRANGER, app, List.of("python3", "app.py", "8001")));
    }

    @Test
    void anUnreadableScript_isNamed() throws Exception {
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-------"));
        Optional<String> problem = RunAsAccess.problem(STRANGER, app, List.of("python3", "app.py", "8001"));
        assertTrue(problem.orElseThrow().contains("cannot read " + script + " (-rw------- "), problem.toString());
    }

    @Test
    void aProgramNamedByPathWithoutExecuteForOthers_isNamed() throws Exception {
        Path server = Files.writeString(app.resolve("server"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rwxr--r--"));
        Optional<String> problem = RunAsAccess.problem(STRANGER, app, List.of("./server"));
        assertTrue(problem.orElseThrow().contains("cannot execute " + server + " (-rwxr--r-- "), problem.toString());
    }

    @Test
    void ownerGroupAndOtherBits_asTheKernelReadsThem() {
        Account a = new Account("a", 1000, 1000, Set.of(1000, 27));
        assertTrue(RunAsAccess.allowed(a, 0700, 1000, 0, 1, true), "owner");
        assertTrue(!RunAsAccess.allowed(a, 0070, 1000, 27, 1, true), "the owner's bits apply to the owner, not the group's");
        assertTrue(RunAsAccess.allowed(a, 0710, 0, 27, 1, true), "a supplementary group");
        assertTrue(!RunAsAccess.allowed(a, 0701, 0, 27, 1, true), "a group member gets the group's bits, not the others'");
        assertTrue(RunAsAccess.allowed(a, 0701, 0, 0, 1, true), "others");
        Account root = new Account("root", 0, 0, Set.of(0));
        assertTrue(RunAsAccess.allowed(root, 0000, 5, 5, 4, false), "root reads anything");
        assertTrue(!RunAsAccess.allowed(root, 0644, 5, 5, 1, false), "root executes a file only with an execute bit");
    }

    @Test
    void account_ofNobody_andOfAMissingUser() {
        Account nobody = Account.of("nobody", "nogroup");
        assertEquals(65534, nobody.uid());
        assertTrue(nobody.groups().contains(nobody.gid()), nobody.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Account.of("no-such-user-rolld", "nogroup"));
        assertEquals("no such user: no-such-user-rolld", e.getMessage());
        assertEquals(new Account("4242", 4242, 4343, Set.of(4343)), Account.of("4242", "4343"));
    }
}
