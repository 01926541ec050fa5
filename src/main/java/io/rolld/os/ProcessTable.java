package io.rolld.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every live process's parent and start time, from one reading of {@code /proc/PID/stat}: the
 * trees of a thousand workers are found in one scan instead of one scan each
 * ({@link ProcessHandle#descendants()} reads all of {@code /proc} on every call, which made
 * stopping 1,000 workers take minutes). Zombies are left out: they have exited, and their children
 * belong to a reaper now. Takes the {@code /proc} root as a {@link Path}, so tests feed fixture files.
 */
public final class ProcessTable {
    /** One process: its pid and start time (clock ticks since boot) name it for the machine's uptime. */
    public record Entry(long pid, long startTime) {
    }

    private record Stat(long pid, long ppid, long startTime) {
    }

    /** state is field 3, ppid 4, starttime 22: counted from the first field after the command name. */
    private static final int STATE = 0;
    private static final int PPID = 1;
    private static final int START_TIME = 22 - 3;

    private final Map<Long, Stat> byPid;
    private final Map<Long, List<Stat>> children;

    private ProcessTable(Map<Long, Stat> byPid) {
        this.byPid = byPid;
        this.children = new HashMap<>();
        byPid.values().forEach(s -> children.computeIfAbsent(s.ppid(), p -> new ArrayList<>()).add(s));
    }

    /** The machine's processes now. */
    public static ProcessTable read() {
        return read(Path.of("/proc"));
    }

    public static ProcessTable read(Path proc) {
        Map<Long, Stat> byPid = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    stat(entry, Long.parseLong(name)).ifPresent(s -> byPid.put(s.pid(), s));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + proc, e);
        }
        return new ProcessTable(byPid);
    }

    /**
     * {@code pid} and everything it forked that still runs, parents before children; empty when
     * {@code pid} does not run. A child counts only if it started no earlier than its parent (as
     * the JDK's {@code descendants()}): a pid reused since is not taken for a child.
     */
    public List<Entry> tree(long pid) {
        Stat root = byPid.get(pid);
        if (root == null) {
            return List.of();
        }
        List<Entry> tree = new ArrayList<>();
        Deque<Stat> next = new ArrayDeque<>(List.of(root));
        while (!next.isEmpty()) {
            Stat s = next.removeFirst();
            tree.add(new Entry(s.pid(), s.startTime()));
            for (Stat child : children.getOrDefault(s.pid(), List.of())) {
                if (child.startTime() >= s.startTime() && child.pid() != s.pid()) {
                    next.addLast(child);
                }
            }
        }
        return tree;
    }

    /** True when {@code process} (that pid, started then) is in the table: it runs. */
    public boolean runs(Entry process) {
        Stat s = byPid.get(process.pid());
        return s != null && s.startTime() == process.startTime();
    }

    private static Optional<Stat> stat(Path dir, long pid) {
        String stat;
        try {
            stat = Files.readString(dir.resolve("stat"));
        } catch (IOException e) {
            return Optional.empty(); // exited since the listing
        }
        // The command name may hold spaces and parentheses: the fields start after its last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
        if (fields.length <= START_TIME || fields[STATE].equals("Z") || fields[STATE].equals("X")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Stat(pid, Long.parseLong(fields[PPID]), Long.parseLong(fields[START_TIME])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
