package io.rolld.web;

import io.rolld.rollout.GroupStatus;
import java.util.List;
import java.util.Map;

/** What the daemon shows the listener; both calls read snapshots and return at once. */
public interface DaemonView {
    /** Every group as its thread last published it. */
    List<GroupStatus> groups();

    /** The answer of {@code rolld status --json} for {@code groups}. */
    Map<String, Object> statusReport(List<GroupStatus> groups);
}
