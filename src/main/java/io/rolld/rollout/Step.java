package io.rolld.rollout;

import java.util.List;

/** One transition: the state after an event, and what the loop must do, in order. */
record Step(State state, List<Action> actions) {
    Step {
        actions = List.copyOf(actions);
    }

    static Step stay(State state) {
        return new Step(state, List.of());
    }
}
