package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code strategy: recreate} in the machine: the old set stops before the new one starts, and comes back if the new one is not ready. */
class RecreateMachineTest {
    private final MachineFixture f = new MachineFixture();
    private final Worker held1 = FakeWorkers.running(8001);
    private final WorkerSet old = new WorkerSet(1, List.of(f.old1, f.old2));
    private final RolloutPlan plan = new RolloutPlan("app", 1, "HUP", List.of(), List.of(List.of(1, 2)), RolloutPlan.Batching.RECREATE,
            List.of(), Optional.empty(), MachineFixture.INTERVAL, RolloutPlan.Retirement.STOP);

    private Step stoppedThenSpawned() {
        Step stopping = Machine.next(new State.Idle(1, old), new Event.RolloutRequested(plan));
        assertEquals("Stopping#2 batch 0 Record(STOPPING OLD) Enter(STOPPING) StopSet#2[old1,old2]", f.render(stopping));
        assertEquals(List.of(), Machine.serving(stopping.state()).workers(), "retired at once: their exits are no crashes");
        Step starting = Machine.next(stopping.state(), new Event.Stopped(2, MachineFixture.NOW));
        assertEquals("Starting#3 batch 0 Record(STARTING OLD) Enter(STARTING) Spawn#3[1, 2]", f.render(starting));
        return Machine.next(starting.state(), new Event.Spawned(3, List.of(f.new1, f.new2), List.of(8001)));
    }

    @Test
    void recreate_stopsTheOldSetFirst_thenStartsTheNewOne_andReportsTheGap() {
        Step checking = stoppedThenSpawned();
        assertEquals("Checking#4 batch 0 Record(CHECKING OLD) Enter(CHECKING) AwaitReady#4[new1,new2]", f.render(checking));

        Step ready = Machine.next(checking.state(), new Event.Ready(4, MachineFixture.NOW + 840_000_000L));
        RolloutEvent.Gap gap = ready.actions().stream().filter(a -> a instanceof Action.Report).map(a -> (RolloutEvent.Gap) ((Action.Report) a).event())
                .findFirst().orElseThrow();
        assertEquals(new RolloutEvent.Gap("app", 2, 840), gap);
        assertEquals("Switching#5 step 0 FirstReadings[new1,new2] Report(Gap) Record(SWITCHING EITHER) Enter(SWITCHING) ApplyFront#5(100)",
                f.render(ready));
        Step done = Machine.next(ready.state(), new Event.FrontApplied(5, MachineFixture.NOW));
        assertEquals("Idle#6 [new1,new2] Serve[new1,new2] Record(none) Enter(IDLE) Finish(ok[new1,new2])",
                f.render(done), "nothing of the old set is left to stop");
    }

    @Test
    void recreate_whenTheNewSetIsNotReady_startsTheOldSpecsAgain() {
        Step checking = stoppedThenSpawned();
        Step failing = Machine.next(checking.state(), new Event.NotReady(4, "worker pid 42 not ready: exited (exit status 3)", ""));
        assertEquals("RollingBack#5 NEW_SET (CHECKING: worker pid 42 not ready: exited (exit status 3)) Record(ROLLING_BACK OLD) "
                + "Enter(ROLLING_BACK) StopSet#5[new1,new2]", f.render(failing));
        Step restoring = Machine.next(failing.state(), new Event.Stopped(5, MachineFixture.NOW));
        assertEquals("RollingBack#6 OLD_SET (CHECKING: worker pid 42 not ready: exited (exit status 3)) RestoreOld#6", f.render(restoring));
        Step back = Machine.next(restoring.state(), new Event.Restored(6, List.of(held1)));
        assertEquals(State.Idle.class, back.state().getClass(), f.render(back));
        assertEquals(List.of(held1), Machine.serving(back.state()).workers(), f.render(back));
    }
}
