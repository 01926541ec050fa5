package io.rolld.rollout;

/** Where a group's rollout stands, as status shows it; see the diagram in {@code package-info.java}. */
public enum Phase {
    IDLE, STARTING, CHECKING, SWITCHING, BAKING, DRAINING, STOPPING, ROLLING_BACK
}
