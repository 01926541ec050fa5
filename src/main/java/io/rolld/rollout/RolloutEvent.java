package io.rolld.rollout;

import io.rolld.process.Exit;
import java.util.List;
import java.util.Map;

/** What a rollout reports while it runs; the daemon turns each into one log line. */
public sealed interface RolloutEvent {
    String group();

    record Started(String group, long generation, String trigger) implements RolloutEvent {
    }

    /** The rollout entered {@code phase}; {@code ports} are the ports that phase works on. */
    record Transition(String group, long generation, Phase phase, List<Integer> ports, long elapsedMs)
            implements RolloutEvent {
        public Transition {
            ports = List.copyOf(ports);
        }
    }

    /** The old set still had connections at the drain deadline; it is stopped anyway. */
    record DrainTimedOut(String group, long generation, Map<Integer, Integer> connectionsByPort, long elapsedMs)
            implements RolloutEvent {
    }

    /** A worker was spawned (it may not serve yet). */
    record WorkerStarted(String group, long generation, int port, long pid) implements RolloutEvent {
    }

    record WorkerStopped(String group, long generation, int port, long pid, Exit exit) implements RolloutEvent {
    }

    record Finished(RolloutResult result) implements RolloutEvent {
        @Override
        public String group() {
            return result.group();
        }
    }
}
