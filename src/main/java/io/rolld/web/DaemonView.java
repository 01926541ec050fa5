package io.rolld.web;

import io.rolld.rollout.GroupStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the daemon shows the listener; both calls read snapshots and return at once. */
public interface DaemonView {
    /** Every group as its thread last published it. */
    List<GroupStatus> groups();

    /** The answer of {@code rolld status --json} for {@code groups}. */
    Map<String, Object> statusReport(List<GroupStatus> groups);

    /** The release directory {@code generation} of {@code group} runs (symlinks resolved), when rolld recorded it. */
    Optional<String> release(String group, long generation);
}
