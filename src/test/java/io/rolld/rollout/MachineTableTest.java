package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Machine#next} as a table: one state of each kind (a workset rollout of two ports with one
 * canary step at 25 percent and a bake) against every kind of event, including late results of an
 * older ticket. Each line reads {@code event -> next state, then the actions in order}; see
 * {@link MachineFixture#render} for the notation. A changed line is a changed behaviour: review it.
 */
class MachineTableTest {
    private static final String TABLE = """
            == Idle#7 [old1,old2]
            RolloutRequested     -> Starting#8 batch 0 Record(STARTING OLD) Enter(STARTING) Spawn#8[9201, 9202]
            Spawned#7            -> Idle#7 [old1,old2] StopSet#0[new1,new2]
            SpawnFailed          -> Idle#7 [old1,old2] StopSet#0[new1]
            Ready#7              -> Idle#7 [old1,old2]
            NotReady             -> Idle#7 [old1,old2]
            FrontApplied         -> Idle#7 [old1,old2]
            FrontFailed          -> Idle#7 [old1,old2]
            Checked              -> Idle#7 [old1,old2]
            CheckFailed          -> Idle#7 [old1,old2]
            Timer                -> Idle#7 [old1,old2]
            Drained              -> Idle#7 [old1,old2]
            Stopped              -> Idle#7 [old1,old2]
            RolledBack           -> Idle#7 [old1,old2]
            Restored             -> Idle#7 [old1,old2]
            Promote              -> Idle#7 [old1,old2]
            Abort                -> Idle#7 [old1,old2]
            WorkerExited(old1)   -> Idle#7 [old1,old2] Supervise(old1)
            WorkerExited(new1)   -> Idle#7 [old1,old2]
            Supervised           -> Idle#7 [old1,old2]
            SupervisionTick      -> Idle#7 [old1,old2] SuperviseDue
            Shutdown             -> Idle#7 [old1,old2]
            Spawned#6            -> Idle#7 [old1,old2] StopSet#0[9301]
            Ready#6              -> Idle#7 [old1,old2]
            == Starting#7 batch 0
            RolloutRequested     -> Starting#7 batch 0
            Spawned#7            -> Checking#8 batch 0 Record(CHECKING OLD) Enter(CHECKING) AwaitReady#8[new1,new2]
            SpawnFailed          -> RollingBack#8 NEW_SET (STARTING: cannot start the worker (port 9202): no such file: app) Record(ROLLING_BACK OLD) Enter(ROLLING_BACK) StopSet#8[new1]
            Ready#7              -> Starting#7 batch 0
            NotReady             -> Starting#7 batch 0
            FrontApplied         -> Starting#7 batch 0
            FrontFailed          -> Starting#7 batch 0
            Checked              -> Starting#7 batch 0
            CheckFailed          -> Starting#7 batch 0
            Timer                -> Starting#7 batch 0
            Drained              -> Starting#7 batch 0
            Stopped              -> Starting#7 batch 0
            RolledBack           -> Starting#7 batch 0
            Restored             -> Starting#7 batch 0
            Promote              -> Starting#7 batch 0
            Abort                -> RollingBack#7 SPAWN (STARTING: aborted by rolld abort during STARTING) Cancel#7 Record(ROLLING_BACK OLD) Enter(ROLLING_BACK)
            WorkerExited(old1)   -> Starting#7 batch 0 Supervise(old1)
            WorkerExited(new1)   -> Starting#7 batch 0
            Supervised           -> Starting#7 batch 0
            SupervisionTick      -> Starting#7 batch 0 SuperviseDue
            Shutdown             -> RollingBack#7 SPAWN (STARTING: interrupted: rolld is shutting down) Cancel#7 Record(ROLLING_BACK OLD) Enter(ROLLING_BACK)
            Spawned#6            -> Starting#7 batch 0 StopSet#0[9301]
            Ready#6              -> Starting#7 batch 0
            == Checking#7 batch 0
            RolloutRequested     -> Checking#7 batch 0
            Spawned#7            -> Checking#7 batch 0 StopSet#0[new1,new2]
            SpawnFailed          -> Checking#7 batch 0 StopSet#0[new1]
            Ready#7              -> Switching#8 step 0 FirstReadings[new1,new2] Record(SWITCHING EITHER) Enter(SWITCHING) ApplyFront#8(25)
            NotReady             -> RollingBack#8 NEW_SET (CHECKING: smoke test failed on port 9201) Record(ROLLING_BACK OLD) Enter(ROLLING_BACK) StopSet#8[new1,new2]
            FrontApplied         -> Checking#7 batch 0
            FrontFailed          -> Checking#7 batch 0
            Checked              -> Checking#7 batch 0
            CheckFailed          -> Checking#7 batch 0
            Timer                -> Checking#7 batch 0
            Drained              -> Checking#7 batch 0
            Stopped              -> Checking#7 batch 0
            RolledBack           -> Checking#7 batch 0
            Restored             -> Checking#7 batch 0
            Promote              -> Checking#7 batch 0
            Abort                -> RollingBack#8 NEW_SET (CHECKING: aborted by rolld abort during CHECKING) Cancel#7 Record(ROLLING_BACK OLD) Enter(ROLLING_BACK) StopSet#8[new1,new2]
            WorkerExited(old1)   -> Checking#7 batch 0 Supervise(old1)
            WorkerExited(new1)   -> Checking#7 batch 0
            Supervised           -> Checking#7 batch 0
            SupervisionTick      -> Checking#7 batch 0 SuperviseDue
            Shutdown             -> RollingBack#8 NEW_SET (CHECKING: interrupted: rolld is shutting down) Cancel#7 Record(ROLLING_BACK OLD) Enter(ROLLING_BACK) StopSet#8[new1,new2]
            Spawned#6            -> Checking#7 batch 0 StopSet#0[9301]
            Ready#6              -> Checking#7 batch 0
            == Switching#7 step 0
            RolloutRequested     -> Switching#7 step 0
            Spawned#7            -> Switching#7 step 0 StopSet#0[new1,new2]
            SpawnFailed          -> Switching#7 step 0 StopSet#0[new1]
            Ready#7              -> Switching#7 step 0
            NotReady             -> Switching#7 step 0
            FrontApplied         -> Baking#8 canary 1/1 until +600s Record(BAKING EITHER) Enter(BAKING) Report(StepStarted) StartTimer#8(+1s)
            FrontFailed          -> RollingBack#8 FRONT (SWITCHING: after_start 'nginx -s reload' exited 1) Record(ROLLING_BACK EITHER) Enter(ROLLING_BACK) UndoFront#8
            Checked              -> Switching#7 step 0
            CheckFailed          -> Switching#7 step 0
            Timer                -> Switching#7 step 0
            Drained              -> Switching#7 step 0
            Stopped              -> Switching#7 step 0
            RolledBack           -> Switching#7 step 0
            Restored             -> Switching#7 step 0
            Promote              -> Switching#7 step 0
            Abort                -> Switching#7 step 0 pending aborted by rolld abort during SWITCHING
            WorkerExited(old1)   -> Switching#7 step 0 Supervise(old1)
            WorkerExited(new1)   -> Switching#7 step 0
            Supervised           -> Switching#7 step 0
            SupervisionTick      -> Switching#7 step 0 SuperviseDue
            Shutdown             -> Switching#7 step 0 pending interrupted: rolld is shutting down
            Spawned#6            -> Switching#7 step 0 StopSet#0[9301]
            Ready#6              -> Switching#7 step 0
            == Baking#7 canary 1/1 until +600s
            RolloutRequested     -> Baking#7 canary 1/1 until +600s
            Spawned#7            -> Baking#7 canary 1/1 until +600s StopSet#0[new1,new2]
            SpawnFailed          -> Baking#7 canary 1/1 until +600s StopSet#0[new1]
            Ready#7              -> Baking#7 canary 1/1 until +600s
            NotReady             -> Baking#7 canary 1/1 until +600s
            FrontApplied         -> Baking#7 canary 1/1 until +600s
            FrontFailed          -> Baking#7 canary 1/1 until +600s
            Checked              -> Baking#8 canary 1/1 until +600s StartTimer#8(+1s)
            CheckFailed          -> RollingBack#8 FRONT (BAKING: bake check 'false' exited 1 during the canary 1/1) Record(ROLLING_BACK EITHER) Enter(ROLLING_BACK) UndoFront#8
            Timer                -> Baking#8 canary 1/1 until +600s Recheck#8(canary 1/1)
            Drained              -> Baking#7 canary 1/1 until +600s
            Stopped              -> Baking#7 canary 1/1 until +600s
            RolledBack           -> Baking#7 canary 1/1 until +600s
            Restored             -> Baking#7 canary 1/1 until +600s
            Promote              -> Switching#8 step 1 Cancel#7 Record(SWITCHING EITHER) Enter(SWITCHING) ApplyFront#8(100)
            Abort                -> RollingBack#8 FRONT (BAKING: aborted by rolld abort during the canary 1/1) Cancel#7 Record(ROLLING_BACK EITHER) Enter(ROLLING_BACK) UndoFront#8
            WorkerExited(old1)   -> Baking#7 canary 1/1 until +600s Supervise(old1)
            WorkerExited(new1)   -> RollingBack#8 FRONT (BAKING: worker on port 9201 (pid of new1) exited during the canary 1/1 (exit status 3)) Cancel#7 Record(ROLLING_BACK EITHER) Enter(ROLLING_BACK) UndoFront#8
            Supervised           -> Baking#7 canary 1/1 until +600s
            SupervisionTick      -> Baking#7 canary 1/1 until +600s SuperviseDue
            Shutdown             -> RollingBack#8 FRONT (BAKING: interrupted: rolld is shutting down) Cancel#7 Record(ROLLING_BACK EITHER) Enter(ROLLING_BACK) UndoFront#8
            Spawned#6            -> Baking#7 canary 1/1 until +600s StopSet#0[9301]
            Ready#6              -> Baking#7 canary 1/1 until +600s
            == Draining#7
            RolloutRequested     -> Draining#7
            Spawned#7            -> Draining#7 StopSet#0[new1,new2]
            SpawnFailed          -> Draining#7 StopSet#0[new1]
            Ready#7              -> Draining#7
            NotReady             -> Draining#7
            FrontApplied         -> Draining#7
            FrontFailed          -> Draining#7
            Checked              -> Draining#7
            CheckFailed          -> Draining#7
            Timer                -> Draining#7
            Drained              -> Stopping#8 rest Record(STOPPING NEW) Enter(STOPPING) StopSet#8[old1,old2]
            Stopped              -> Draining#7
            RolledBack           -> Draining#7
            Restored             -> Draining#7
            Promote              -> Draining#7
            Abort                -> Draining#7
            WorkerExited(old1)   -> Draining#7
            WorkerExited(new1)   -> Draining#7 Supervise(new1)
            Supervised           -> Draining#7
            SupervisionTick      -> Draining#7 SuperviseDue
            Shutdown             -> Stopping#8 rest Cancel#7 Record(STOPPING NEW) Enter(STOPPING) StopSet#8[old1,old2]
            Spawned#6            -> Draining#7 StopSet#0[9301]
            Ready#6              -> Draining#7
            == Stopping#7 rest
            RolloutRequested     -> Stopping#7 rest
            Spawned#7            -> Stopping#7 rest StopSet#0[new1,new2]
            SpawnFailed          -> Stopping#7 rest StopSet#0[new1]
            Ready#7              -> Stopping#7 rest
            NotReady             -> Stopping#7 rest
            FrontApplied         -> Stopping#7 rest
            FrontFailed          -> Stopping#7 rest
            Checked              -> Stopping#7 rest
            CheckFailed          -> Stopping#7 rest
            Timer                -> Stopping#7 rest
            Drained              -> Stopping#7 rest
            Stopped              -> Idle#7 [new1,new2] Record(none) Enter(IDLE) Finish(ok[new1,new2])
            RolledBack           -> Stopping#7 rest
            Restored             -> Stopping#7 rest
            Promote              -> Stopping#7 rest
            Abort                -> Stopping#7 rest
            WorkerExited(old1)   -> Stopping#7 rest
            WorkerExited(new1)   -> Stopping#7 rest Supervise(new1)
            Supervised           -> Stopping#7 rest
            SupervisionTick      -> Stopping#7 rest SuperviseDue
            Shutdown             -> Stopping#7 rest
            Spawned#6            -> Stopping#7 rest StopSet#0[9301]
            Ready#6              -> Stopping#7 rest
            == RollingBack#7 FRONT (BAKING: bad)
            RolloutRequested     -> RollingBack#7 FRONT (BAKING: bad)
            Spawned#7            -> RollingBack#7 FRONT (BAKING: bad) StopSet#0[new1,new2]
            SpawnFailed          -> RollingBack#7 FRONT (BAKING: bad) StopSet#0[new1]
            Ready#7              -> RollingBack#7 FRONT (BAKING: bad)
            NotReady             -> RollingBack#7 FRONT (BAKING: bad)
            FrontApplied         -> RollingBack#7 FRONT (BAKING: bad)
            FrontFailed          -> RollingBack#7 FRONT (BAKING: bad)
            Checked              -> RollingBack#7 FRONT (BAKING: bad)
            CheckFailed          -> RollingBack#7 FRONT (BAKING: bad)
            Timer                -> RollingBack#7 FRONT (BAKING: bad)
            Drained              -> RollingBack#7 FRONT (BAKING: bad)
            Stopped              -> RollingBack#7 FRONT (BAKING: bad)
            RolledBack           -> RollingBack#8 DRAIN (BAKING: bad) Drain#8[9201, 9202]
            Restored             -> RollingBack#7 FRONT (BAKING: bad)
            Promote              -> RollingBack#7 FRONT (BAKING: bad)
            Abort                -> RollingBack#7 FRONT (BAKING: bad)
            WorkerExited(old1)   -> RollingBack#7 FRONT (BAKING: bad) Supervise(old1)
            WorkerExited(new1)   -> RollingBack#7 FRONT (BAKING: bad)
            Supervised           -> RollingBack#7 FRONT (BAKING: bad)
            SupervisionTick      -> RollingBack#7 FRONT (BAKING: bad) SuperviseDue
            Shutdown             -> RollingBack#7 FRONT (BAKING: bad)
            Spawned#6            -> RollingBack#7 FRONT (BAKING: bad) StopSet#0[9301]
            Ready#6              -> RollingBack#7 FRONT (BAKING: bad)

            
            """;

    @Test
    void next_everyStateAgainstEveryEvent_matchesTheTable() {
        MachineFixture f = new MachineFixture();
        List<String> lines = new ArrayList<>();
        for (State s : f.states()) {
            lines.add("== " + f.render(s));
            for (Event e : f.events()) {
                lines.add(String.format("%-20s -> %s", f.render(e), f.render(Machine.next(s, e))));
            }
        }
        assertEquals(TABLE.strip(), String.join("\n", lines));
    }
}
