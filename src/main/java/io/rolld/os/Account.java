package io.rolld.os;

import static io.rolld.os.NativeCalls.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ids a worker gets from {@code setpriv --reuid=USER --init-groups --regid=GROUP}: the user's
 * uid, the group's gid, and as supplementary groups the user's groups (initgroups). Looked up
 * through the C library (getpwnam_r, getgrnam_r, getgrouplist), so every NSS source counts, as it
 * does for setpriv. A name that is a number is taken as the id itself, as setpriv does.
 */
public record Account(String user, int uid, int gid, Set<Integer> groups) {
    private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;
    private static final MethodHandle GETPWNAM_R = plain("getpwnam_r", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, SIZE_T, ADDR));
    private static final MethodHandle GETPWUID_R = plain("getpwuid_r", FunctionDescriptor.of(INT, INT, ADDR, ADDR, SIZE_T, ADDR));
    private static final MethodHandle GETGRNAM_R = plain("getgrnam_r", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, SIZE_T, ADDR));
    private static final MethodHandle GETGROUPLIST = plain("getgrouplist", FunctionDescriptor.of(INT, ADDR, INT, ADDR, ADDR));
    /** struct passwd: pw_name, pw_passwd, then pw_uid at 16 and pw_gid at 20 (glibc, 64-bit); 48 bytes. */
    private static final long PASSWD_SIZE = 48;
    /** struct group: gr_name, gr_passwd, then gr_gid at 16; 32 bytes. */
    private static final long GROUP_SIZE = 32;
    /** Room for the strings an entry points to; far more than any /etc/passwd or /etc/group line. */
    private static final long BUFFER_SIZE = 64 * 1024;
    private static final int MOST_GROUPS = 65_536;

    public Account {
        groups = Set.copyOf(groups);
    }

    /**
     * The ids of {@code user} and {@code group}.
     *
     * @throws IllegalArgumentException when there is no such user or group, saying which
     */
    public static Account of(String user, String group) {
        int gid = isNumber(group) ? Integer.parseInt(group)
                : groupId(group).orElseThrow(() -> new IllegalArgumentException("no such group: " + group));
        Optional<Passwd> entry = isNumber(user) ? passwd(Integer.parseInt(user)) : passwd(user);
        if (entry.isEmpty() && !isNumber(user)) {
            throw new IllegalArgumentException("no such user: " + user);
        }
        int uid = entry.map(Passwd::uid).orElseGet(() -> Integer.parseInt(user));
        Set<Integer> groups = new TreeSet<>(entry.map(e -> groupList(e.name(), e.gid())).orElse(Set.of()));
        groups.add(gid);
        return new Account(user, uid, gid, groups);
    }

    private record Passwd(String name, int uid, int gid) {
    }

    private static boolean isNumber(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static Optional<Passwd> passwd(String name) {
        return lookupPasswd((arena, pwd, buf, result) -> (int) GETPWNAM_R.invokeExact(arena.allocateFrom(name), pwd, buf, BUFFER_SIZE, result),
                "getpwnam_r(" + name + ")");
    }

    private static Optional<Passwd> passwd(int uid) {
        return lookupPasswd((arena, pwd, buf, result) -> (int) GETPWUID_R.invokeExact(uid, pwd, buf, BUFFER_SIZE, result),
                "getpwuid_r(" + uid + ")");
    }

    @FunctionalInterface
    private interface Lookup {
        int call(Arena arena, MemorySegment entry, MemorySegment buffer, MemorySegment result) throws Throwable;
    }

    private static Optional<Passwd> lookupPasswd(Lookup lookup, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pwd = arena.allocate(PASSWD_SIZE, 8);
            Optional<MemorySegment> found = find(arena, lookup, pwd, what);
            return found.map(p -> new Passwd(p.get(ADDR, 0).reinterpret(BUFFER_SIZE).getString(0), p.get(INT, 16), p.get(INT, 20)));
        }
    }

    private static Optional<Integer> groupId(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment grp = arena.allocate(GROUP_SIZE, 8);
            return find(arena, (a, g, buf, result) -> (int) GETGRNAM_R.invokeExact(a.allocateFrom(name), g, buf, BUFFER_SIZE, result),
                    grp, "getgrnam_r(" + name + ")").map(g -> g.get(INT, 16));
        }
    }

    /** Runs a *_r lookup: the entry filled in, or empty when there is none (a NULL result with 0 or ENOENT). */
    private static Optional<MemorySegment> find(Arena arena, Lookup lookup, MemorySegment entry, String what) {
        MemorySegment buffer = arena.allocate(BUFFER_SIZE);
        MemorySegment result = arena.allocate(ADDR);
        int rc;
        try {
            rc = lookup.call(arena, entry, buffer, result);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + " could not be called", t);
        }
        if (rc != 0 && rc != 2 /* ENOENT: some NSS modules say "none" this way */) {
            throw new ErrnoException(what, rc);
        }
        return result.get(ADDR, 0).equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(entry);
    }

    /** getgrouplist(3): the groups initgroups gives {@code user}, {@code gid} among them. */
    private static Set<Integer> groupList(String user, int gid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(user);
            MemorySegment count = arena.allocate(INT);
            int room = 64;
            while (true) {
                MemorySegment list = arena.allocate(INT, room);
                count.set(INT, 0, room);
                int rc = (int) GETGROUPLIST.invokeExact(name, gid, list, count);
                int n = count.get(INT, 0);
                if (rc >= 0) {
                    Set<Integer> groups = new TreeSet<>();
                    for (int i = 0; i < n; i++) {
                        groups.add(list.getAtIndex(INT, i));
                    }
                    return groups;
                }
                if (n <= room || n > MOST_GROUPS) {
                    throw new IllegalStateException("getgrouplist(" + user + ") failed with " + n + " groups");
                }
                room = n;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("getgrouplist could not be called", t);
        }
    }
}
