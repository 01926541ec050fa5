package io.rolld.config;

/**
 * How a group's workers take traffic: on the ports of alternating worksets behind a front
 * ({@link Worksets}), or all sharing the sockets rolld holds ({@link HeldSockets}). A switch over
 * it is exhaustive, so a new mode does not compile until every step handles it.
 */
public sealed interface GroupMode permits Worksets, HeldSockets {
}
