/**
 * The rollout of a group: the only place that orders the steps, in {@link io.rolld.rollout.Rollout},
 * for both modes; what differs by mode (workset behind a front, or held sockets) is asked of its
 * {@link io.rolld.rollout.RolloutMode}.
 *
 * <pre>
 *  IDLE ──request──▶ STARTING    workset: refuse if a port is taken; held: hold the sockets. Spawn every slot
 *  STARTING ───────▶ CHECKING    workset: smoke tests, polled every 50 ms; held: the ready rule; until ready_timeout
 *  CHECKING ──pass─▶ SWITCHING   after_start hooks: render the front's config, reload it
 *  SWITCHING ──ok──▶ DRAINING    workset only: old ports' established connections → 0, or drain_timeout
 *  DRAINING ───────▶ STOPPING    stop signal to each old worker's tree, SIGKILL after stop_timeout
 *  STOPPING ───────▶ IDLE        active = new set, generation + 1
 *  failure (or an unexpected exception) in STARTING, CHECKING or SWITCHING ──▶ ROLLING_BACK ──▶ IDLE
 *      new set stopped, replaced files restored byte for byte, run_proc hooks run again
 * </pre>
 *
 * <p>{@link io.rolld.rollout.Group} owns one thread per group; requests made while a rollout
 * runs are coalesced into exactly one more rollout after it. Nothing here knows about signals,
 * sockets or the command line.
 */
package io.rolld.rollout;
