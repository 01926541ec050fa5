package io.rolld.rollout;

import io.rolld.front.FrontContext;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rollout state machine of a group: {@link #next} takes the state and one event and returns the
 * next state with the actions to run. Pure: no I/O, no clock (times come in events), no default
 * branch, so a new state or event does not compile until every case says what it does.
 *
 * <p>Supervision runs in every state on the serving set: the old set until the front lists the new
 * set alone (DRAINING, or STOPPING the rest), the new set from then on. A new worker's exit fails a
 * watch at once; in CHECKING the readiness effect reports it itself, in its own words.
 */
final class Machine {
    static final String SHUTDOWN = "interrupted: rolld is shutting down";

    private Machine() {
    }

    static Step next(State s, Event e) {
        return switch (e) {
            case Event.RolloutRequested r -> requested(s, r);
            case Event.Spawned x -> x.ticket() != s.ticket() ? late(s, x.workers()) : spawned(s, x.workers(), x.ports(), Optional.empty());
            case Event.SpawnFailed x -> x.ticket() != s.ticket() ? late(s, x.workers())
                    : spawned(s, x.workers(), List.of(), Optional.of(x.reason()));
            case Event.Ready x -> x.ticket() != s.ticket() ? Step.stay(s) : ready(s, x.now());
            case Event.NotReady x -> x.ticket() != s.ticket() ? Step.stay(s) : failed(s, Phase.CHECKING, x.reason(), x.detail());
            case Event.FrontApplied x -> x.ticket() != s.ticket() ? Step.stay(s) : frontApplied(s, x.now());
            case Event.FrontFailed x -> x.ticket() != s.ticket() ? Step.stay(s) : failed(s, Phase.SWITCHING, x.reason(), x.detail());
            case Event.Timer x -> x.ticket() != s.ticket() ? Step.stay(s) : timer(s);
            case Event.Checked x -> x.ticket() != s.ticket() ? Step.stay(s) : checked(s, x.now());
            case Event.CheckFailed x -> x.ticket() != s.ticket() ? Step.stay(s) : failed(s, Phase.BAKING, x.reason(), x.detail());
            case Event.Drained x -> x.ticket() != s.ticket() ? Step.stay(s) : drained(s);
            case Event.Stopped x -> x.ticket() != s.ticket() ? Step.stay(s) : stopped(s, x.now());
            case Event.RolledBack x -> x.ticket() != s.ticket() ? Step.stay(s) : frontPutBack(s, x.problems());
            case Event.Restored x -> x.ticket() != s.ticket() ? Step.stay(s) : restored(s, x.workers());
            case Event.Promote _ -> promote(s);
            case Event.Abort _ -> interrupt(s, "aborted by rolld abort during ");
            case Event.Shutdown _ -> interrupt(s, SHUTDOWN);
            case Event.WorkerExited x -> exited(s, x);
            case Event.Supervised x -> Step.stay(supervised(s, x.serving()));
            case Event.SupervisionTick _ -> new Step(s, List.of(new Action.SuperviseDue()));
        };
    }

    /** The set the supervisor keeps running in {@code s}. */
    static WorkerSet serving(State s) {
        return switch (s) {
            case State.Idle i -> i.serving();
            case State.Starting st -> st.run().serving();
            case State.Checking c -> c.run().serving();
            case State.Switching sw -> sw.run().serving();
            case State.Baking b -> b.run().serving();
            case State.Draining d -> d.run().next();
            case State.Stopping st -> st.batch().isPresent() ? st.run().serving() : st.run().next();
            case State.RollingBack r -> r.run().serving();
        };
    }

    /** The step a {@code rolld abort} or {@code promote} acts on in {@code s}: the watch's name, or the phase. */
    static String stepOf(State s) {
        return switch (s) {
            case State.Baking b -> b.watch().step(b.run().plan());
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Draining _, State.Stopping _,
                 State.RollingBack _ -> s.phase().name();
        };
    }

    // ---- requests and the operator

    private static Step requested(State s, Event.RolloutRequested r) {
        return switch (s) {
            case State.Idle i when r.plan().batching() == RolloutPlan.Batching.RECREATE -> {
                // The app cannot run twice: the old set stops first, and the new one starts once it is gone.
                RolloutRun fresh = RolloutRun.of(r.plan(), i.serving());
                long t = i.ticket() + 1;
                WorkerSet going = fresh.serving(); // all of it, whatever the new set's size
                RolloutRun run = fresh.withRetired(going.workers());
                yield new Step(new State.Stopping(t, run, OptionalInt.of(0), Optional.empty()), List.of(record(run, Phase.STOPPING),
                        new Action.Enter(Phase.STOPPING, going.ports()), new Action.StopSet(t, going)));
            }
            case State.Idle i -> {
                RolloutRun run = RolloutRun.of(r.plan(), i.serving());
                long t = i.ticket() + 1;
                yield new Step(new State.Starting(t, run, 0), List.of(record(run, Phase.STARTING),
                        new Action.Enter(Phase.STARTING, r.plan().plannedPorts()), new Action.Spawn(t, r.plan().batches().getFirst(), true)));
            }
            // Refused: one rollout at a time. The loop coalesces requests and sends one once idle.
            case State.Starting _, State.Checking _, State.Switching _, State.Baking _, State.Draining _, State.Stopping _,
                 State.RollingBack _ -> Step.stay(s);
        };
    }

    private static Step promote(State s) {
        return switch (s) {
            case State.Baking b -> watchEnded(b.ticket() + 1, b.run(), b.watch(), List.of(new Action.Cancel(b.ticket())));
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Draining _, State.Stopping _,
                 State.RollingBack _ -> Step.stay(s); // the loop answers: not in a bake or pause
        };
    }

    /** An abort ({@code reason} ends with the step) or a shutdown: roll back now, or once the running step can stop. */
    private static Step interrupt(State s, String reason) {
        String why = reason.equals(SHUTDOWN) ? SHUTDOWN : reason + (s instanceof State.Baking ? "the " : "") + stepOf(s);
        return switch (s) {
            case State.RollingBack r when r.undo() == State.Undo.DRAIN && reason.equals(SHUTDOWN) ->
                    stopNew(r, List.of(new Action.Cancel(r.ticket()))); // skip the wait, still stop cleanly
            case State.Idle _, State.RollingBack _ -> Step.stay(s);
            case State.Starting st -> {
                // What the spawn started is known only from its result: the rollback waits for it.
                State.Failure f = new State.Failure(Phase.STARTING, why, "");
                RolloutRun run = st.run();
                yield new Step(new State.RollingBack(st.ticket(), run, f, State.Undo.SPAWN), List.of(new Action.Cancel(st.ticket()),
                        record(run, Phase.ROLLING_BACK), new Action.Enter(Phase.ROLLING_BACK, run.next().ports())));
            }
            case State.Checking c -> rollBack(c.ticket(), c.run(), new State.Failure(Phase.CHECKING, why, ""), List.of(new Action.Cancel(c.ticket())));
            case State.Baking b -> rollBack(b.ticket(), b.run(), new State.Failure(Phase.BAKING, why, ""), List.of(new Action.Cancel(b.ticket())));
            case State.Switching sw -> Step.stay(sw.pending().isPresent() ? sw
                    : new State.Switching(sw.ticket(), sw.run(), sw.step(), Optional.of(new State.Failure(Phase.SWITCHING, why, ""))));
            case State.Draining d -> reason.equals(SHUTDOWN)
                    ? stopRest(d.ticket() + 1, d.run(), List.of(new Action.Cancel(d.ticket()))) // skip the wait, still stop cleanly
                    : Step.stay(d); // too late: the old set is being stopped
            case State.Stopping st -> st.batch().isPresent() && reason.equals(SHUTDOWN) && st.pending().isEmpty()
                    ? Step.stay(new State.Stopping(st.ticket(), st.run(), st.batch(), Optional.of(new State.Failure(Phase.STOPPING, why, ""))))
                    : Step.stay(st);
        };
    }

    // ---- effect results

    private static Step spawned(State s, List<Worker> workers, List<Integer> ports, Optional<String> failure) {
        return switch (s) {
            case State.Starting st -> {
                RolloutRun run = st.run().withStarted(workers, failure.isPresent() ? st.run().ports() : ports);
                if (failure.isPresent()) {
                    yield rollBack(st.ticket(), run, new State.Failure(Phase.STARTING, failure.get(), ""), List.of());
                }
                long t = st.ticket() + 1;
                yield new Step(new State.Checking(t, run, st.batch()), List.of(record(run, Phase.CHECKING),
                        new Action.Enter(Phase.CHECKING, run.ports()), new Action.AwaitReady(t, new WorkerSet(run.plan().to(), workers))));
            }
            case State.RollingBack r when r.undo() == State.Undo.SPAWN -> {
                RolloutRun run = r.run().withStarted(workers, r.run().ports());
                long t = r.ticket() + 1;
                yield new Step(new State.RollingBack(t, run, r.failure(), State.Undo.NEW_SET), List.of(new Action.StopSet(t, run.next())));
            }
            case State.Idle _, State.Checking _, State.Switching _, State.Baking _, State.Draining _, State.Stopping _,
                 State.RollingBack _ -> late(s, workers);
        };
    }

    private static Step ready(State s, long now) {
        return switch (s) {
            case State.Checking c -> {
                RolloutRun run = c.run();
                yield switch (run.plan().batching()) {
                    case ALL_AT_ONCE -> switchTo(c.ticket() + 1, run, 0, List.of(new Action.FirstReadings(run.next())));
                    case RECREATE -> switchTo(c.ticket() + 1, run, 0, List.of(new Action.FirstReadings(run.next()),
                            new Action.Report(new RolloutEvent.Gap(run.plan().group(), run.plan().to(),
                                    (now - run.emptySince().orElse(now)) / 1_000_000))));
                    case BATCHES -> {
                        // Retired from now on: their exits are the stop's, never crashes for the supervisor.
                        long t = c.ticket() + 1;
                        WorkerSet going = new WorkerSet(run.old().generation(), run.oldOfSlots(run.plan().batches().get(c.batch())));
                        RolloutRun retiring = run.withRetired(going.workers());
                        yield new Step(new State.Stopping(t, retiring, OptionalInt.of(c.batch()), Optional.empty()), List.of(
                                record(retiring, Phase.STOPPING), new Action.Enter(Phase.STOPPING, retiring.ports()),
                                new Action.StopSet(t, going)));
                    }
                };
            }
            case State.Idle _, State.Starting _, State.Switching _, State.Baking _, State.Draining _, State.Stopping _,
                 State.RollingBack _ -> Step.stay(s);
        };
    }

    private static Step frontApplied(State s, long now) {
        return switch (s) {
            case State.Switching sw -> {
                RolloutRun run = sw.run();
                long t = sw.ticket() + 1;
                if (sw.pending().isPresent()) {
                    yield rollBack(sw.ticket(), run, sw.pending().get(), List.of());
                }
                if (sw.step() < run.plan().canary().size()) {
                    yield watch(t, run, new State.Watch.Canary(sw.step()), now, run.plan().canary().get(sw.step()).pause().toNanos());
                }
                if (run.plan().bake().isPresent()) {
                    yield watch(t, run, new State.Watch.Bake(), now, run.plan().bake().get().toNanos());
                }
                yield retire(t, run, List.of());
            }
            case State.Idle _, State.Starting _, State.Checking _, State.Baking _, State.Draining _, State.Stopping _,
                 State.RollingBack _ -> Step.stay(s);
        };
    }

    private static Step timer(State s) {
        return switch (s) {
            case State.Baking b -> {
                long t = b.ticket() + 1;
                yield new Step(new State.Baking(t, b.run(), b.watch(), b.deadline()), List.of(
                        new Action.Recheck(t, b.watch().step(b.run().plan()), b.watch().weight(b.run()))));
            }
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Draining _, State.Stopping _,
                 State.RollingBack _ -> Step.stay(s);
        };
    }

    /** A round of checks passed: the watch goes on until its deadline, checked at its last instant too. */
    private static Step checked(State s, long now) {
        return switch (s) {
            case State.Baking b -> {
                long t = b.ticket() + 1;
                if (now - b.deadline() >= 0) {
                    yield watchEnded(t, b.run(), b.watch(), List.of());
                }
                long interval = b.run().plan().watchInterval().toNanos();
                yield new Step(new State.Baking(t, b.run(), b.watch(), b.deadline()),
                        List.of(new Action.StartTimer(t, earlier(now + interval, b.deadline()))));
            }
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Draining _, State.Stopping _,
                 State.RollingBack _ -> Step.stay(s);
        };
    }

    private static Step drained(State s) {
        return switch (s) {
            case State.Draining d -> stopRest(d.ticket() + 1, d.run(), List.of());
            case State.RollingBack r when r.undo() == State.Undo.DRAIN -> stopNew(r, List.of());
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Baking _, State.Stopping _,
                 State.RollingBack _ -> Step.stay(s);
        };
    }

    private static Step stopped(State s, long now) {
        return switch (s) {
            case State.Stopping st when st.batch().isPresent() -> {
                int b = st.batch().getAsInt();
                RolloutRun run = st.run();
                long t = st.ticket() + 1;
                if (st.pending().isPresent()) {
                    yield rollBack(st.ticket(), run, st.pending().get(), List.of());
                }
                if (run.plan().batching() == RolloutPlan.Batching.RECREATE) {
                    RolloutRun empty = run.emptiedAt(now);
                    yield new Step(new State.Starting(t, empty, b), List.of(record(empty, Phase.STARTING),
                            new Action.Enter(Phase.STARTING, empty.plan().plannedPorts()), new Action.Spawn(t, empty.plan().batches().get(b), true)));
                }
                if (b + 1 < run.plan().batches().size()) {
                    yield watch(t, run, new State.Watch.Batch(b), now, run.plan().watchInterval().toNanos());
                }
                yield switchTo(t, run, 0, List.of(new Action.FirstReadings(run.next())));
            }
            case State.Stopping st -> succeeded(st.ticket(), st.run(), List.of());
            case State.RollingBack r when r.undo() == State.Undo.NEW_SET -> {
                if (r.run().retired().isEmpty()) {
                    yield rolledBack(r.ticket(), r.run(), r.failure(), List.of());
                }
                long t = r.ticket() + 1;
                yield new Step(new State.RollingBack(t, r.run(), r.failure(), State.Undo.OLD_SET),
                        List.of(new Action.RestoreOld(t, r.run().retired())));
            }
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Baking _, State.Draining _,
                 State.RollingBack _ -> Step.stay(s);
        };
    }

    private static Step frontPutBack(State s, List<String> problems) {
        return switch (s) {
            case State.RollingBack r when r.undo() == State.Undo.FRONT -> {
                StringBuilder detail = new StringBuilder(r.failure().detail());
                problems.forEach(p -> detail.append(detail.isEmpty() ? "" : "\n").append("rollback: ").append(p));
                State.Failure f = new State.Failure(r.failure().failedIn(), r.failure().reason(), detail.toString());
                long t = r.ticket() + 1;
                yield switch (r.run().plan().retirement()) {
                    case DRAIN_THEN_STOP -> new Step(new State.RollingBack(t, r.run(), f, State.Undo.DRAIN),
                            List.of(new Action.Drain(t, r.run().next().ports())));
                    case STOP -> new Step(new State.RollingBack(t, r.run(), f, State.Undo.NEW_SET), List.of(new Action.StopSet(t, r.run().next())));
                };
            }
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Baking _, State.Draining _,
                 State.Stopping _, State.RollingBack _ -> Step.stay(s);
        };
    }

    private static Step restored(State s, List<Worker> workers) {
        return switch (s) {
            case State.RollingBack r when r.undo() == State.Undo.OLD_SET -> {
                RolloutRun run = r.run().withRestored(workers);
                yield rolledBack(r.ticket(), run, r.failure(), List.of(new Action.Serve(run.serving())));
            }
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Baking _, State.Draining _,
                 State.Stopping _, State.RollingBack _ -> Step.stay(s);
        };
    }

    // ---- the world

    private static Step exited(State s, Event.WorkerExited x) {
        if (serving(s).workers().contains(x.worker())) {
            return new Step(s, List.of(new Action.Supervise(x.worker(), x.exit())));
        }
        return switch (s) {
            case State.Baking b when b.run().started().contains(x.worker()) -> {
                Worker w = x.worker();
                String step = b.watch().step(b.run().plan());
                yield rollBack(b.ticket(), b.run(), new State.Failure(Phase.BAKING, "worker on port " + w.port() + " (pid " + w.pid()
                        + ") exited during the " + step + " (" + x.exit() + ")", x.stderrTail()), List.of(new Action.Cancel(b.ticket())));
            }
            // Stopped by the rollout, a new worker the readiness effect reports, or one the supervisor sees once it serves.
            case State.Idle _, State.Starting _, State.Checking _, State.Switching _, State.Baking _, State.Draining _,
                 State.Stopping _, State.RollingBack _ -> Step.stay(s);
        };
    }

    private static State supervised(State s, WorkerSet set) {
        return switch (s) {
            case State.Idle i -> new State.Idle(i.ticket(), set);
            case State.Starting st -> new State.Starting(st.ticket(), st.run().withServing(set), st.batch());
            case State.Checking c -> new State.Checking(c.ticket(), c.run().withServing(set), c.batch());
            case State.Switching sw -> new State.Switching(sw.ticket(), sw.run().withServing(set), sw.step(), sw.pending());
            case State.Baking b -> new State.Baking(b.ticket(), b.run().withServing(set), b.watch(), b.deadline());
            case State.Draining d -> new State.Draining(d.ticket(), d.run().withNext(set));
            case State.Stopping st -> new State.Stopping(st.ticket(), st.batch().isPresent() ? st.run().withServing(set)
                    : st.run().withNext(set), st.batch(), st.pending());
            case State.RollingBack r -> new State.RollingBack(r.ticket(), r.run().withServing(set), r.failure(), r.undo());
        };
    }

    /** A spawn's result nobody waits for any more: what it started is stopped at once. */
    private static Step late(State s, List<Worker> workers) {
        return workers.isEmpty() ? Step.stay(s) : new Step(s, List.of(new Action.StopSet(0, new WorkerSet(0, workers))));
    }

    // ---- the way forward

    /** SWITCHING to canary step {@code step} (the canary's size: the full switch); the first hook is recorded as EITHER. */
    private static Step switchTo(long t, RolloutRun before, int step, List<Action> first) {
        RolloutRun run = before.withFront(Intent.FrontTarget.EITHER);
        int weight = step < run.plan().canary().size() ? run.plan().canary().get(step).weight() : FrontContext.FULL_WEIGHT;
        List<Action> actions = new ArrayList<>(first);
        actions.add(record(run, Phase.SWITCHING));
        actions.add(new Action.Enter(Phase.SWITCHING, run.ports()));
        actions.add(new Action.ApplyFront(t, weight));
        return new Step(new State.Switching(t, run, step, Optional.empty()), actions);
    }

    private static Step watch(long t, RolloutRun run, State.Watch watch, long now, long lengthNanos) {
        long deadline = now + lengthNanos;
        String step = watch.step(run.plan());
        return new Step(new State.Baking(t, run, watch, deadline), List.of(record(run, Phase.BAKING), new Action.Enter(Phase.BAKING, run.ports()),
                new Action.Report(new RolloutEvent.StepStarted(run.plan().group(), run.plan().to(), step, watch.weight(run), run.ports(),
                        lengthNanos / 1_000_000)),
                new Action.StartTimer(t, earlier(now + run.plan().watchInterval().toNanos(), deadline))));
    }

    private static Step watchEnded(long t, RolloutRun run, State.Watch watch, List<Action> first) {
        return switch (watch) {
            case State.Watch.Canary c -> switchTo(t, run, c.index() + 1, first);
            case State.Watch.Bake _ -> retire(t, run, first);
            case State.Watch.Batch b -> {
                List<Action> actions = new ArrayList<>(first);
                actions.add(record(run, Phase.STARTING));
                actions.add(new Action.Enter(Phase.STARTING, run.ports()));
                actions.add(new Action.Spawn(t, run.plan().batches().get(b.index() + 1), false));
                yield new Step(new State.Starting(t, run, b.index() + 1), actions);
            }
        };
    }

    /** The front lists the new set alone: it serves, and what remains of the old set drains (load-balancer mode) and stops. */
    private static Step retire(long t, RolloutRun before, List<Action> first) {
        List<Action> actions = new ArrayList<>(first);
        actions.add(new Action.Serve(before.next()));
        if (before.serving().workers().isEmpty()) {
            return succeeded(t, before, actions);
        }
        RolloutRun run = before.withFront(Intent.FrontTarget.NEW);
        return switch (run.plan().retirement()) {
            case DRAIN_THEN_STOP -> {
                actions.add(record(run, Phase.DRAINING));
                actions.add(new Action.Enter(Phase.DRAINING, run.old().ports()));
                actions.add(new Action.Drain(t, run.old().ports()));
                yield new Step(new State.Draining(t, run), actions);
            }
            case STOP -> stopRest(t, run, actions);
        };
    }

    private static Step stopRest(long t, RolloutRun before, List<Action> first) {
        RolloutRun run = before.withFront(Intent.FrontTarget.NEW);
        List<Action> actions = new ArrayList<>(first);
        actions.add(record(run, Phase.STOPPING));
        actions.add(new Action.Enter(Phase.STOPPING, run.oldPorts()));
        actions.add(new Action.StopSet(t, run.serving()));
        return new Step(new State.Stopping(t, run, OptionalInt.empty(), Optional.empty()), actions);
    }

    private static Step succeeded(long t, RolloutRun run, List<Action> first) {
        List<Action> actions = new ArrayList<>(first);
        actions.add(new Action.Record(Optional.empty()));
        actions.add(new Action.Enter(Phase.IDLE, run.ports()));
        actions.add(new Action.Finish(new Action.Outcome.Succeeded(run.next(), run.old())));
        return new Step(new State.Idle(t, run.next()), actions);
    }

    // ---- the way back

    /** The effect {@code s} waits for failed; a failure of another phase's kind cannot carry its ticket, and changes nothing. */
    private static Step failed(State s, Phase in, String reason, String detail) {
        if (s.phase() != in) {
            return Step.stay(s);
        }
        return switch (s) {
            case State.Starting st -> rollBack(st.ticket(), st.run(), new State.Failure(in, reason, detail), List.of());
            case State.Checking c -> rollBack(c.ticket(), c.run(), new State.Failure(in, reason, detail), List.of());
            case State.Switching sw -> rollBack(sw.ticket(), sw.run(), sw.pending().orElse(new State.Failure(in, reason, detail)), List.of());
            case State.Baking b -> rollBack(b.ticket(), b.run(), new State.Failure(in, reason, detail), List.of());
            case State.Idle _, State.Draining _, State.Stopping _, State.RollingBack _ -> Step.stay(s);
        };
    }

    /** ROLLING_BACK: the front put back first (while the new set still answers what it sends), then the new set stopped. */
    private static Step rollBack(long ticket, RolloutRun before, State.Failure failure, List<Action> first) {
        long t = ticket + 1;
        RolloutRun run = before.withFront(before.front() == Intent.FrontTarget.OLD ? Intent.FrontTarget.OLD : Intent.FrontTarget.EITHER);
        List<Action> actions = new ArrayList<>(first);
        actions.add(record(run, Phase.ROLLING_BACK));
        actions.add(new Action.Enter(Phase.ROLLING_BACK, run.next().ports()));
        if (run.front() != Intent.FrontTarget.OLD) {
            actions.add(new Action.UndoFront(t));
            return new Step(new State.RollingBack(t, run, failure, State.Undo.FRONT), actions);
        }
        actions.add(new Action.StopSet(t, run.next()));
        return new Step(new State.RollingBack(t, run, failure, State.Undo.NEW_SET), actions);
    }

    private static Step stopNew(State.RollingBack r, List<Action> first) {
        long t = r.ticket() + 1;
        List<Action> actions = new ArrayList<>(first);
        actions.add(new Action.StopSet(t, r.run().next()));
        return new Step(new State.RollingBack(t, r.run(), r.failure(), State.Undo.NEW_SET), actions);
    }

    private static Step rolledBack(long t, RolloutRun run, State.Failure failure, List<Action> first) {
        List<Action> actions = new ArrayList<>(first);
        actions.add(new Action.Record(Optional.empty()));
        actions.add(new Action.Enter(Phase.IDLE, run.old().ports()));
        actions.add(new Action.Finish(new Action.Outcome.Failed(failure, run.serving())));
        return new Step(new State.Idle(t, run.serving()), actions);
    }

    private static Action record(RolloutRun run, Phase phase) {
        return new Action.Record(Optional.of(run.intent(phase)));
    }

    private static long earlier(long a, long b) {
        return a - b < 0 ? a : b;
    }
}
