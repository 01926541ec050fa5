package io.rolld.rollout;

import java.util.List;

/** How a rollout ended. */
public sealed interface RolloutResult {
    String group();

    /** The generation the rollout tried to start. */
    long generation();

    long elapsedMs();

    record Succeeded(String group, long generation, List<Integer> ports, List<Long> pids, List<Long> oldPids,
                     long elapsedMs) implements RolloutResult {
        public Succeeded {
            ports = List.copyOf(ports);
            pids = List.copyOf(pids);
            oldPids = List.copyOf(oldPids);
        }
    }

    /** {@code reason} is one line; {@code detail} may hold a command's output or a stderr tail. */
    record Failed(String group, long generation, Phase failedIn, String reason, String detail, long elapsedMs)
            implements RolloutResult {
    }
}
