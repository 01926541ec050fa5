package io.rolld.front;

import java.util.List;

/** What spreads traffic over the workers, as a rollout switches it: {@link FrontSwitch} runs the after_start hooks. */
public interface Front {
    /** Points the front at {@code context}'s set (its ports, at its canary weight). */
    void apply(FrontContext context) throws FrontException;

    /** Puts the front back as it was before the first {@link #apply}; returns what could not be undone. */
    List<String> undo();
}
