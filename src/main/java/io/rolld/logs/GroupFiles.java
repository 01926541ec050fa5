package io.rolld.logs;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.config.Placeholders;
import io.rolld.config.Workset;
import io.rolld.config.Worksets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Every file a group's workers can write to: {@code stdout} and {@code stderr} expanded for each
 * slot the group has (every port of every workset, or worker numbers 1..workers with held sockets),
 * one entry per distinct path. A file without {@code {numproc}} is shared by every slot; a file
 * named by both keys carries both streams.
 */
public final class GroupFiles {
    public static final String OUT = "out";
    public static final String ERR = "err";

    /** One file: its streams ({@code out}, {@code err} or both) and the slots whose workers write to it. */
    public record LogFile(Path path, List<String> streams, List<Integer> slots) {
        public LogFile {
            streams = List.copyOf(streams);
            slots = List.copyOf(slots);
        }
    }

    private GroupFiles() {
    }

    public static List<LogFile> of(GroupConfig group) {
        Map<Path, Set<String>> streams = new LinkedHashMap<>();
        Map<Path, Set<Integer>> slots = new LinkedHashMap<>();
        for (int slot : slots(group)) {
            add(group, group.stdout(), OUT, slot, streams, slots);
            add(group, group.stderr(), ERR, slot, streams, slots);
        }
        List<LogFile> files = new ArrayList<>();
        streams.forEach((path, s) -> files.add(new LogFile(path, List.copyOf(s), List.copyOf(slots.get(path)))));
        return files;
    }

    /** The streams that go to rolld's own output because the group names no file for them. */
    public static List<String> toRolldsOutput(GroupConfig group) {
        List<String> streams = new ArrayList<>();
        if (group.stdout().isEmpty()) {
            streams.add(OUT);
        }
        if (group.stderr().isEmpty()) {
            streams.add(ERR);
        }
        return streams;
    }

    private static void add(GroupConfig group, Optional<String> template, String stream, int slot,
                            Map<Path, Set<String>> streams, Map<Path, Set<Integer>> slots) {
        if (template.isEmpty()) {
            return;
        }
        Path path = group.directory().resolve(Placeholders.expand(template.get(), slot)).normalize();
        streams.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(stream);
        slots.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(slot);
    }

    private static List<Integer> slots(GroupConfig group) {
        return switch (group.mode()) {
            case Worksets w -> w.worksets().stream().map(Workset::ports).flatMap(List::stream).distinct().toList();
            case HeldSockets h -> IntStream.rangeClosed(1, h.workers()).boxed().toList();
        };
    }
}
