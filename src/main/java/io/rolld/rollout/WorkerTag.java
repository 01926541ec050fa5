package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSocketConfig;
import io.rolld.config.HeldSockets;
import io.rolld.config.Worksets;
import io.rolld.os.HeldSocketSet;
import io.rolld.os.ProcessEnvironments;
import io.rolld.os.ProcessStartTime;
import io.rolld.process.WorkerRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What every worker carries to say which rolld started it: {@code ROLLD_CONFIG}, the absolute path
 * of that daemon's rolld.yml, beside {@code ROLLD_GROUP} and {@code ROLLD_GENERATION}. A rolld that
 * died right after a spawn, before the workers file recorded it (its writes are coalesced for
 * 100 ms), or while a spawn was still in progress, left workers no file names; the rolld started
 * after it finds them by these variables and treats them as leftovers like the recorded ones.
 */
record WorkerTag(Path config) {
    static final String VARIABLE = "ROLLD_CONFIG";

    /** The variables added to every worker's environment. */
    Map<String, String> environment() {
        return Map.of(VARIABLE, config.toString());
    }

    /**
     * The workers of {@code group} this daemon's predecessor started and {@code recorded} does not
     * name. A worker's own children (a preforking server's) carry the same variables: only the
     * topmost process of each tree is a worker.
     */
    List<WorkerRecord> unrecorded(GroupConfig group, List<WorkerRecord> recorded, ProcessEnvironments processes, ProcessStartTime starts) {
        List<ProcessEnvironments.Found> ours = processes.having(VARIABLE, config.toString()).stream()
                .filter(f -> group.name().equals(f.env().get("ROLLD_GROUP"))).toList();
        Set<Long> pids = ours.stream().map(ProcessEnvironments.Found::pid).collect(Collectors.toSet());
        Set<Long> known = recorded.stream().map(WorkerRecord::pid).collect(Collectors.toSet());
        List<WorkerRecord> found = new ArrayList<>();
        for (ProcessEnvironments.Found f : ours) {
            if (pids.contains(f.ppid()) || known.contains(f.pid())) {
                continue;
            }
            OptionalLong started = starts.of(f.pid()); // empty: it exited meanwhile
            if (started.isPresent()) {
                record(group, f, started.getAsLong(), recorded).ifPresent(found::add);
            }
        }
        return found;
    }

    /** Empty when its variables do not fit the group as configured now (another mode, an unparsable value). */
    private static Optional<WorkerRecord> record(GroupConfig group, ProcessEnvironments.Found f, long startTime, List<WorkerRecord> recorded) {
        try {
            long generation = Long.parseLong(f.env().get("ROLLD_GENERATION"));
            return switch (group.mode()) {
                case Worksets w -> {
                    int port = Integer.parseInt(f.env().get("ROLLD_PORT"));
                    yield Optional.of(new WorkerRecord(group.name(), generation, port, port, f.pid(), startTime, List.of()));
                }
                case HeldSockets h -> {
                    int slot = Integer.parseInt(f.env().get("ROLLD_WORKER"));
                    int port = recorded.stream().mapToInt(WorkerRecord::port).findFirst().orElse(h.listen().stream()
                            .map(HeldSocketConfig::address).filter(a -> a instanceof HeldSocketConfig.Inet)
                            .mapToInt(a -> ((HeldSocketConfig.Inet) a).port()).findFirst().orElse(0));
                    List<Integer> fds = IntStream.range(0, h.listen().size()).mapToObj(i -> HeldSocketSet.FIRST_FD + i).toList();
                    yield Optional.of(new WorkerRecord(group.name(), generation, slot, port, f.pid(), startTime, fds));
                }
            };
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
