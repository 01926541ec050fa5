package io.rolld.os;

import io.rolld.config.Supervision.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Reads how much memory a worker's process tree uses, from {@code /proc}. The resident set comes
 * from {@code /proc/PID/statm} through {@link ResidentMemory} (cheap); PSS and USS need {@code /proc/PID/smaps_rollup}, which
 * walks every mapping, so it is read only when the cheap reading could be over the limit: PSS and
 * USS never exceed RSS. Takes the {@code /proc} root as a {@link Path}, so tests feed fixture files.
 */
public final class MemoryReader {
    private final Path proc;
    private final ResidentMemory resident;

    public MemoryReader(Path proc) {
        this.proc = proc;
        this.resident = new ResidentMemory(proc);
    }

    public static MemoryReader system() {
        return new MemoryReader(Path.of("/proc"));
    }

    /**
     * One reading of a process tree. {@code bytes} is the sum of {@code metric} over the tree;
     * for PSS and USS it is the RSS sum (an upper bound) when that was already under the threshold.
     */
    public record Usage(Metric metric, long bytes, long rssBytes, int processes, boolean exact) {
    }

    /** Sums the tree of {@code root} (processes that vanish while being read count as 0). */
    public Usage tree(ProcessHandle root, Metric metric, long threshold) {
        List<Long> pids = new ArrayList<>();
        pids.add(root.pid());
        root.descendants().forEach(p -> pids.add(p.pid()));
        return sum(pids, metric, threshold);
    }

    /** Every process under the {@code /proc} root read, by parent: the children of a preforking master. */
    public ProcessTable processes() {
        return ProcessTable.read(proc);
    }

    /** Sums {@code pids} (one process with its descendants, from {@link #processes}) as {@link #tree} sums a tree. */
    public Usage sum(List<Long> pids, Metric metric, long threshold) {
        long rss = pids.stream().mapToLong(pid -> rss(pid).orElse(0)).sum();
        if (metric == Metric.RSS) {
            return new Usage(metric, rss, rss, pids.size(), true);
        }
        if (rss < threshold) {
            return new Usage(metric, rss, rss, pids.size(), false);
        }
        long precise = pids.stream().mapToLong(pid -> smaps(pid, metric).orElse(0)).sum();
        return new Usage(metric, precise, rss, pids.size(), true);
    }

    /** Resident set size in bytes: see {@link ResidentMemory}. */
    public OptionalLong rss(long pid) {
        return resident.bytes(pid);
    }

    /**
     * PSS ({@code Pss}) or USS (pages only this process maps: {@code Private_Clean + Private_Dirty},
     * plus its {@code Swap}) in bytes; empty when the process is gone or the file is unreadable.
     */
    public OptionalLong smaps(long pid, Metric metric) {
        Map<String, Long> rollup = kilobyteFields(proc.resolve(Long.toString(pid)).resolve("smaps_rollup"));
        if (rollup.isEmpty()) {
            return OptionalLong.empty();
        }
        long kb = switch (metric) {
            case RSS -> rollup.getOrDefault("Rss", 0L);
            case PSS -> rollup.getOrDefault("Pss", 0L);
            case USS -> rollup.getOrDefault("Private_Clean", 0L) + rollup.getOrDefault("Private_Dirty", 0L)
                    + rollup.getOrDefault("Swap", 0L);
        };
        return OptionalLong.of(kb * 1024);
    }

    /** {@code Name:   1234 kB} lines of a /proc file; other lines are skipped. Empty if unreadable. */
    static Map<String, Long> kilobyteFields(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            return Map.of(); // a process exiting between listing and reading, or another user's process
        }
        return lines.stream()
                .map(l -> l.split("\\s+"))
                .filter(f -> f.length == 3 && f[0].endsWith(":") && f[2].equals("kB") && f[1].chars().allMatch(Character::isDigit))
                .collect(Collectors.toMap(f -> f[0].substring(0, f[0].length() - 1), f -> Long.parseLong(f[1]), (a, b) -> a));
    }
}
