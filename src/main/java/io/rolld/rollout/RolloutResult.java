package io.rolld.rollout;

import java.util.List;

/** How a rollout ended. */
public sealed interface RolloutResult {
    String group();

    /** The generation the rollout tried to start. */
    long generation();

    long elapsedMs();

    /** Its values after the group, in log order (see {@link RolloutEvent#fields}). */
    List<EventField> fields();

    record Succeeded(String group, long generation, List<Integer> ports, List<Long> pids, List<Long> oldPids,
                     long elapsedMs) implements RolloutResult {
        public Succeeded {
            ports = List.copyOf(ports);
            pids = List.copyOf(pids);
            oldPids = List.copyOf(oldPids);
        }

        @Override
        public List<EventField> fields() {
            return List.of(EventField.of("generation", generation), EventField.of("ports", ports).passedAs("PORTS"),
                    EventField.of("pids", pids).passedAs("PIDS"), EventField.of("old_pids", oldPids).passedAs("OLD_PIDS"),
                    EventField.of("elapsed_ms", elapsedMs).passedAs("ELAPSED_MS"));
        }
    }

    /** {@code reason} is one line; {@code detail} may hold a command's output or a stderr tail. */
    record Failed(String group, long generation, Phase failedIn, String reason, String detail, long elapsedMs)
            implements RolloutResult {
        @Override
        public List<EventField> fields() {
            return List.of(EventField.of("generation", generation), EventField.of("state", failedIn.name()).passedAs("STATE"),
                    EventField.of("reason", reason), EventField.of("elapsed_ms", elapsedMs).passedAs("ELAPSED_MS"),
                    EventField.of("action", "old workers keep serving"));
        }
    }
}
