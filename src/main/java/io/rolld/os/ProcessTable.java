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
 * Which process forked which, at one moment: the pid, parent pid (field 4) and start time (field
 * 22) of every {@code /proc/PID/stat}, read in one pass. A preforking server's children are the
 * entries whose parent is its master; a pid with its start time names one process, so a child
 * that exited and a pid reused since are told apart. Read once, it gives the trees of a thousand
 * workers ({@link #tree}) without a scan each ({@link ProcessHandle#descendants()} reads all of
 * {@code /proc} on every call, which made stopping 1,000 workers take minutes). Takes the
 * {@code /proc} root as a {@link Path}, so tests feed fixture files.
 */
public final class ProcessTable {
    /** {@code ppid} is field 4, the second after the parenthesised command name; starttime is field 22. */
    private static final int PARENT_AFTER_COMM = 4 - 3;
    private static final int START_AFTER_COMM = 22 - 3;

    /** One process: its pid, its parent's, and its start time in clock ticks since boot. */
    public record Entry(long pid, long parent, long startTime) {
    }

    private final Map<Long, List<Entry>> byParent;
    private final Map<Long, Entry> byPid = new HashMap<>();

    private ProcessTable(Map<Long, List<Entry>> byParent) {
        this.byParent = byParent;
        byParent.values().forEach(children -> children.forEach(e -> byPid.put(e.pid(), e)));
    }

    /** Every process of this machine at this moment. */
    public static ProcessTable read() {
        return read(Path.of("/proc"));
    }

    /** Every process under {@code proc} at this moment; processes that exit while it is read are left out. */
    public static ProcessTable read(Path proc) {
        Map<Long, List<Entry>> byParent = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("[0-9]{1,10}"))) {
            for (Path dir : dirs) {
                entry(dir).ifPresent(e -> byParent.computeIfAbsent(e.parent(), k -> new ArrayList<>()).add(e));
            }
        } catch (IOException e) {
            throw new IllegalStateException("listing the processes in " + proc, e);
        }
        return new ProcessTable(byParent);
    }

    private static Optional<Entry> entry(Path dir) {
        String stat;
        try {
            stat = Files.readString(dir.resolve("stat"));
        } catch (IOException e) {
            return Optional.empty(); // exited meanwhile
        }
        // The command name may hold spaces and parentheses: the fields start after its last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
        if (fields.length <= START_AFTER_COMM || !fields[PARENT_AFTER_COMM].matches("[0-9]{1,10}")
                || !fields[START_AFTER_COMM].matches("[0-9]{1,19}")) {
            return Optional.empty();
        }
        return Optional.of(new Entry(Long.parseLong(dir.getFileName().toString()), Long.parseLong(fields[PARENT_AFTER_COMM]),
                Long.parseLong(fields[START_AFTER_COMM])));
    }

    /** The processes {@code pid} forked that still run, by pid. */
    public List<Entry> children(long pid) {
        return byParent.getOrDefault(pid, List.of()).stream().sorted(java.util.Comparator.comparingLong(Entry::pid)).toList();
    }

    /** {@code pid} and everything below it. */
    public List<Long> subtree(long pid) {
        List<Long> pids = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>(List.of(pid));
        while (!todo.isEmpty()) {
            long next = todo.pop();
            pids.add(next);
            children(next).forEach(c -> todo.push(c.pid()));
        }
        return pids;
    }

    /**
     * {@code pid} and everything it forked that still runs, parents before children; empty when
     * {@code pid} does not run. A child counts only if it started no earlier than its parent (as in
     * the JDK's {@code descendants()}): a pid reused since is not taken for a child.
     */
    public List<Entry> tree(long pid) {
        Entry root = byPid.get(pid);
        if (root == null) {
            return List.of();
        }
        List<Entry> tree = new ArrayList<>();
        Deque<Entry> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Entry next = todo.removeFirst();
            tree.add(next);
            byParent.getOrDefault(next.pid(), List.of()).stream()
                    .filter(c -> c.startTime() >= next.startTime() && c.pid() != next.pid()).forEach(todo::addLast);
        }
        return tree;
    }

    /** Whether {@code process} (its pid with the same start time) still runs. */
    public boolean contains(Entry process) {
        return byParent.getOrDefault(process.parent(), List.of()).contains(process);
    }
}
