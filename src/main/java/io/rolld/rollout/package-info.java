/**
 * The rollout of a group, as a state machine: {@link io.rolld.rollout.Machine#next} takes a
 * {@link io.rolld.rollout.State} and an {@link io.rolld.rollout.Event} and returns the next state
 * with the {@link io.rolld.rollout.Action}s to run; nothing else orders the steps, in either mode
 * (workset behind a front, or held sockets; what differs by mode is asked of its
 * {@link io.rolld.rollout.RolloutMode}).
 *
 * <pre>
 *  IDLE ──request──▶ STARTING    workset: refuse if a port is taken; held: hold the sockets. Spawn the batch's slots
 *  STARTING ───────▶ CHECKING    workset: smoke tests, polled every 50 ms; held: the ready rule; until ready_timeout
 *  CHECKING ──pass─▶ SWITCHING   after_start hooks: render the front's config, reload it (at the first canary step's weight)
 *    held batches:   CHECKING ──▶ STOPPING (the batch's old workers) ──▶ BAKING "batch b/n" (one interval) ──▶ STARTING the next
 *                    batch; after the last one, SWITCHING
 *    held recreate:  IDLE ──request──▶ STOPPING (the whole old set first) ──▶ STARTING ──▶ CHECKING ──pass─▶ SWITCHING
 *                    (event=gap: from the old set's stop to the new one's readiness); not ready: the old set started again
 *  SWITCHING ──ok──▶ BAKING      "canary i/n": a pause at the step's weight, checked every interval ──▶ SWITCHING to the next step
 *  SWITCHING ──ok──▶ BAKING      "bake": the new set at full weight, the old one kept running, checked every interval
 *  SWITCHING ──ok──▶ DRAINING    (no bake left) workset: old ports' established connections → 0, or drain_timeout
 *  SWITCHING ──ok──▶ STOPPING    (no bake left) held sockets: each old worker's graceful stop is its drain
 *  BAKING ──clean or promote──▶ the next canary step, DRAINING or STOPPING
 *  DRAINING ───────▶ STOPPING    stop signal to each old worker's tree, SIGKILL after stop_timeout
 *  STOPPING ───────▶ IDLE        the new set serves, generation + 1
 *  failure, abort or shutdown in STARTING, CHECKING, BAKING ──▶ ROLLING_BACK ──▶ IDLE; in SWITCHING once the hook ends
 *      the front put back (files restored byte for byte, run_proc hooks run again), the new set stopped, the
 *      old workers of finished batches started again. Abort in DRAINING or STOPPING: too late, refused.
 * </pre>
 *
 * <p>Before each step that changes the world the loop records the step's {@link io.rolld.rollout.Intent}
 * (write-ahead); a rolld started after this one died reconciles from it ({@link io.rolld.rollout.Adoption}).
 * Supervision runs in every state on the serving set: the old set until the front lists the new one
 * alone (DRAINING, or STOPPING), the new set from then on. What takes time in it runs off the loop too, its result
 * posted back: liveness checks ({@link io.rolld.rollout.LivenessWatch}), and in held-socket mode the
 * replacement of one worker ({@link io.rolld.rollout.HeldReplacement}: its successor started and
 * waited for, then the old worker stopped).
 *
 * <p>{@link io.rolld.rollout.Group} owns one loop per group; requests made while a rollout runs are
 * coalesced into exactly one more rollout after it. Nothing here knows about signals, sockets or
 * the command line.
 */
package io.rolld.rollout;
