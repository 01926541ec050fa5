package io.rolld.rollout;

import io.rolld.config.Delivery;
import io.rolld.os.Exit;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Values for {@link Machine} tests: a workset rollout of two ports with one canary step and a bake,
 * one state of each kind, and a compact rendering of a {@link Step} a table can compare.
 */
final class MachineFixture {
    static final Duration PAUSE = Duration.ofMinutes(10);
    static final Duration BAKE = Duration.ofMinutes(2);
    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** The ticket every sample state waits on. */
    static final long T = 7;
    static final long NOW = 1_000_000_000L;

    final Worker old1 = FakeWorkers.running(9101);
    final Worker old2 = FakeWorkers.running(9102);
    final Worker new1 = FakeWorkers.running(9201);
    final Worker new2 = FakeWorkers.running(9202);
    final WorkerSet old = new WorkerSet(1, List.of(old1, old2));
    final RolloutPlan plan = plan(List.of(new Delivery.CanaryStep(25, PAUSE)), Optional.of(BAKE), RolloutPlan.Retirement.DRAIN_THEN_STOP);
    final RolloutRun started = RolloutRun.of(plan, old).withStarted(List.of(new1, new2), List.of(9201, 9202));
    final RolloutRun switched = started.withFront(Intent.FrontTarget.EITHER);
    final RolloutRun retiring = started.withFront(Intent.FrontTarget.NEW);

    static RolloutPlan plan(List<Delivery.CanaryStep> canary, Optional<Duration> bake, RolloutPlan.Retirement retirement) {
        return new RolloutPlan("app", 1, "HUP", List.of(9201, 9202), List.of(List.of(9201, 9202)), RolloutPlan.Batching.ALL_AT_ONCE,
                canary, bake, INTERVAL, retirement);
    }

    /** One state of each kind, named for the table. */
    List<State> states() {
        return List.of(new State.Idle(T, old),
                new State.Starting(T, RolloutRun.of(plan, old), 0),
                new State.Checking(T, started, 0),
                new State.Switching(T, switched, 0, Optional.empty()),
                new State.Baking(T, switched, new State.Watch.Canary(0), NOW + PAUSE.toNanos()),
                new State.Draining(T, retiring),
                new State.Stopping(T, retiring, OptionalInt.empty(), Optional.empty()),
                new State.RollingBack(T, switched, new State.Failure(Phase.BAKING, "bad", ""), State.Undo.FRONT));
    }

    /** Every kind of event, with the sample states' ticket; and late results (an older ticket). */
    List<Event> events() {
        Worker extra = FakeWorkers.running(9301);
        return List.of(new Event.RolloutRequested(plan),
                new Event.Spawned(T, List.of(new1, new2), List.of(9201, 9202)),
                new Event.SpawnFailed(T, List.of(new1), "cannot start the worker (port 9202): no such file: app"),
                new Event.Ready(T, NOW),
                new Event.NotReady(T, "smoke test failed on port 9201", "tail"),
                new Event.FrontApplied(T, NOW),
                new Event.FrontFailed(T, "after_start 'nginx -s reload' exited 1", ""),
                new Event.Checked(T, NOW),
                new Event.CheckFailed(T, "bake check 'false' exited 1 during the canary 1/1", ""),
                new Event.Timer(T, NOW),
                new Event.Drained(T),
                new Event.Stopped(T, NOW),
                new Event.RolledBack(T, List.of("restore failed")),
                new Event.Restored(T, List.of(extra)),
                new Event.Promote(),
                new Event.Abort(),
                new Event.WorkerExited(old1, new Exit.Signaled(9), ""),
                new Event.WorkerExited(new1, new Exit.Code(3), "boom"),
                new Event.Supervised(old),
                new Event.SupervisionTick(NOW),
                new Event.Shutdown(),
                new Event.Spawned(T - 1, List.of(extra), List.of(9301)),
                new Event.Ready(T - 1, NOW));
    }

    /** "Checking#8" or "Baking#8 canary 1/1": the state's kind, ticket and what tells it apart. */
    String render(State s) {
        String kind = s.getClass().getSimpleName() + "#" + s.ticket();
        return scrub(switch (s) {
            case State.Idle i -> kind + " " + pids(i.serving());
            case State.Starting st -> kind + " batch " + st.batch();
            case State.Checking c -> kind + " batch " + c.batch();
            case State.Switching sw -> kind + " step " + sw.step() + sw.pending().map(f -> " pending " + f.reason()).orElse("");
            case State.Baking b -> kind + " " + b.watch().step(b.run().plan()) + " until +" + (b.deadline() - NOW) / 1_000_000_000 + "s";
            case State.Draining _ -> kind;
            case State.Stopping st -> kind + (st.batch().isPresent() ? " batch " + st.batch().getAsInt() : " rest")
                    + st.pending().map(f -> " pending " + f.reason()).orElse("");
            case State.RollingBack r -> kind + " " + r.undo() + " (" + r.failure().failedIn() + ": " + r.failure().reason() + ")";
        });
    }

    /** Pids differ from run to run: the table shows whose they are. */
    private String scrub(String text) {
        for (Worker w : List.of(old1, old2, new1, new2)) {
            text = text.replace("pid " + w.pid(), "pid of " + name(w));
        }
        return text;
    }

    String render(Action a) {
        return switch (a) {
            case Action.Record r -> "Record(" + r.intent().map(i -> i.phase() + " " + i.front()).orElse("none") + ")";
            case Action.Enter e -> "Enter(" + e.phase() + ")";
            case Action.Spawn sp -> "Spawn#" + sp.ticket() + sp.slots();
            case Action.AwaitReady r -> "AwaitReady#" + r.ticket() + pids(r.workers());
            case Action.FirstReadings f -> "FirstReadings" + pids(f.next());
            case Action.ApplyFront f -> "ApplyFront#" + f.ticket() + "(" + f.weight() + ")";
            case Action.UndoFront u -> "UndoFront#" + u.ticket();
            case Action.Recheck r -> "Recheck#" + r.ticket() + "(" + r.step() + ")";
            case Action.StartTimer t -> "StartTimer#" + t.ticket() + "(+" + (t.deadline() - NOW) / 1_000_000_000 + "s)";
            case Action.Drain d -> "Drain#" + d.ticket() + d.ports();
            case Action.StopSet st -> "StopSet#" + st.ticket() + pids(st.set());
            case Action.RestoreOld r -> "RestoreOld#" + r.ticket();
            case Action.Cancel c -> "Cancel#" + c.ticket();
            case Action.Supervise sv -> "Supervise(" + name(sv.worker()) + ")";
            case Action.SuperviseDue _ -> "SuperviseDue";
            case Action.Serve sv -> "Serve" + pids(sv.set());
            case Action.Report r -> "Report(" + r.event().getClass().getSimpleName() + ")";
            case Action.Finish f -> switch (f.outcome()) {
                case Action.Outcome.Succeeded ok -> "Finish(ok" + pids(ok.next()) + ")";
                case Action.Outcome.Failed no -> "Finish(failed in " + no.failure().failedIn() + ": " + no.failure().reason() + pids(no.old()) + ")";
            };
        };
    }

    String render(Step step) {
        return render(step.state()) + step.actions().stream().map(this::render).map(s -> " " + s).collect(Collectors.joining());
    }

    String render(Event e) {
        return switch (e) {
            case Event.WorkerExited x -> "WorkerExited(" + name(x.worker()) + ")";
            case Event.Spawned x -> "Spawned#" + x.ticket();
            case Event.Ready x -> "Ready#" + x.ticket();
            default -> e.getClass().getSimpleName(); // a name for the table, nothing more
        };
    }

    private String pids(WorkerSet set) {
        return set.workers().stream().map(this::name).collect(Collectors.joining(",", "[", "]"));
    }

    /** old1, old2, new1, new2, or the port of another worker. */
    String name(Worker w) {
        return w == old1 ? "old1" : w == old2 ? "old2" : w == new1 ? "new1" : w == new2 ? "new2" : Integer.toString(w.port());
    }
}
