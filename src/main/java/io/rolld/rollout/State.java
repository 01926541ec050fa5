package io.rolld.rollout;

import io.rolld.process.WorkerSet;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a group stands, as its loop owns it: each record holds only what is valid in its state.
 * {@code ticket} names the one effect the state waits for; a result carrying another ticket is
 * late (its effect was cancelled, or belongs to a state left since) and changes nothing.
 * See the diagram in {@code package-info.java}; {@link Machine#next} is the only way from one to the next.
 */
sealed interface State permits State.Idle, State.Starting, State.Checking, State.Switching, State.Baking, State.Draining,
        State.Stopping, State.RollingBack {
    /** The last ticket handed out: the effect this state waits for, if it waits for one. */
    long ticket();

    /** The phase shown in status. */
    Phase phase();

    /** No rollout: {@code serving} is supervised. */
    record Idle(long ticket, WorkerSet serving) implements State {
        @Override
        public Phase phase() {
            return Phase.IDLE;
        }
    }

    /** Spawning batch {@code batch} of the plan (the first one also acquires what the generation needs). */
    record Starting(long ticket, RolloutRun run, int batch) implements State {
        @Override
        public Phase phase() {
            return Phase.STARTING;
        }
    }

    /** Waiting until the workers of batch {@code batch} are ready by the mode's rule. */
    record Checking(long ticket, RolloutRun run, int batch) implements State {
        @Override
        public Phase phase() {
            return Phase.CHECKING;
        }
    }

    /**
     * The after_start hooks point the front at canary step {@code step} (the plan's canary size: the
     * full switch). A hook cannot be cut short: an abort or a shutdown meanwhile is {@code pending},
     * and rolls back once the hooks end.
     */
    record Switching(long ticket, RolloutRun run, int step, Optional<Failure> pending) implements State {
        @Override
        public Phase phase() {
            return Phase.SWITCHING;
        }
    }

    /** A canary pause, the bake, or the watch after a batch, until {@code deadline} (nanos of the loop's clock). */
    record Baking(long ticket, RolloutRun run, Watch watch, long deadline) implements State {
        @Override
        public Phase phase() {
            return Phase.BAKING;
        }
    }

    /** The old ports' connections end (or the drain times out, inside the drain effect). */
    record Draining(long ticket, RolloutRun run) implements State {
        @Override
        public Phase phase() {
            return Phase.DRAINING;
        }
    }

    /**
     * The old workers of batch {@code batch} stop (empty: the rest of the old set, the rollout's last
     * step). A shutdown while a batch stops is {@code pending}: it rolls back once they are stopped.
     */
    record Stopping(long ticket, RolloutRun run, OptionalInt batch, Optional<Failure> pending) implements State {
        @Override
        public Phase phase() {
            return Phase.STOPPING;
        }
    }

    /**
     * Putting back what {@code failure} left: the front, then (load-balancer mode) the new set's
     * connections drained, then the new set stopped, then retired old workers restored.
     */
    record RollingBack(long ticket, RolloutRun run, Failure failure, Undo undo) implements State {
        @Override
        public Phase phase() {
            return Phase.ROLLING_BACK;
        }
    }

    /** What a rollback waits for. */
    enum Undo {
        /** The cancelled spawn's result: what it started must be stopped too. */
        SPAWN,
        /** The front put back (files restored, hooks re-run). */
        FRONT,
        /** The connections the front still has on the new set end (a reload is not instant). */
        DRAIN,
        /** The new set stopped. */
        NEW_SET,
        /** The old workers of finished batches started again. */
        OLD_SET
    }

    /** What a {@link Baking} state watches for. */
    sealed interface Watch {
        /** "canary 1/2", "bake", "batch 1/3": how the step is named in events, status and the check's environment. */
        String step(RolloutPlan plan);

        /** The percent of the traffic the new set takes meanwhile. */
        int weight(RolloutRun run);

        record Canary(int index) implements Watch {
            @Override
            public String step(RolloutPlan plan) {
                return "canary " + (index + 1) + "/" + plan.canary().size();
            }

            @Override
            public int weight(RolloutRun run) {
                return run.plan().canary().get(index).weight();
            }
        }

        record Bake() implements Watch {
            @Override
            public String step(RolloutPlan plan) {
                return "bake";
            }

            @Override
            public int weight(RolloutRun run) {
                return io.rolld.front.FrontContext.FULL_WEIGHT;
            }
        }

        record Batch(int index) implements Watch {
            @Override
            public String step(RolloutPlan plan) {
                return "batch " + (index + 1) + "/" + plan.batches().size();
            }

            @Override
            public int weight(RolloutRun run) {
                return 100 * run.started().size() / run.plan().slotCount();
            }
        }
    }

    /** Why a rollout rolls back, and in which phase it failed. {@code detail} may hold a command's output or a stderr tail. */
    record Failure(Phase failedIn, String reason, String detail) {
    }
}
