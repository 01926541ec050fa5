package io.rolld.rollout;

import java.util.EnumSet;
import java.util.Set;

/** Where a group's rollout stands; see the diagram in {@code package-info.java}. */
public enum Phase {
    IDLE, STARTING, CHECKING, SWITCHING, BAKING, DRAINING, STOPPING, ROLLING_BACK;

    /** Failures in these phases are rolled back: the old set still runs, ready to take the traffic back. */
    public static final Set<Phase> REVERSIBLE = EnumSet.of(STARTING, CHECKING, SWITCHING, BAKING);
}
