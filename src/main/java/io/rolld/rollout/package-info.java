/**
 * The rollout of a group: the only place that orders the steps.
 *
 * <pre>
 *  IDLE ──request──▶ STARTING    refuse if a port is taken; spawn every port of the next workset
 *  STARTING ───────▶ CHECKING    smoke tests, polled every 50 ms until pass or ready_timeout
 *  CHECKING ──pass─▶ SWITCHING   after_start hooks: render the front's config, reload it
 *  SWITCHING ──ok──▶ DRAINING    old ports: established connections → 0, or drain_timeout
 *  DRAINING ───────▶ STOPPING    stop signal to each old worker's tree, SIGKILL after stop_timeout
 *  STOPPING ───────▶ IDLE        active = new set, generation + 1
 *  failure in STARTING, CHECKING or SWITCHING ──▶ ROLLING_BACK ──▶ IDLE
 *      new set stopped, replaced files restored byte for byte, run_proc hooks run again
 * </pre>
 *
 * <p>{@link io.rolld.rollout.Group} owns one thread per group; requests made while a rollout
 * runs are coalesced into exactly one more rollout after it. Nothing here knows about signals,
 * sockets or the command line.
 */
package io.rolld.rollout;
