package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import io.rolld.control.ErrorCode;
import io.rolld.os.ProcNetTcp;
import io.rolld.rollout.Group;
import io.rolld.rollout.IntentLog;
import io.rolld.rollout.Steering;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What promote and abort answer when there is nothing to act on, against idle groups (nothing is spawned). */
class RolloutSteeringTest {
    @TempDir
    Path dir;

    private Group idleGroup(String name) throws Exception {
        Path file = dir.resolve(name + ".yml");
        Files.writeString(file, name + ":\n  cmd: ./server {numproc}\n  workset:\n    - numprocs: [8001]\n    - numprocs: [8002]\n");
        GroupConfig config = ConfigLoader.load(file).groups().getFirst();
        return new Group(config, dir.resolve("rolld.yml"), ProcNetTcp.system(), List.of(), IntentLog.NONE);
    }

    @Test
    void steer_whenTheGroupIsUnknown_refusesNamingTheGroups() throws Exception {
        Group app = idleGroup("app");
        try {
            var refused = assertThrows(ControlSession.Refused.class,
                    () -> new RolloutSteering(() -> List.of(app)).steer("ap", Steering.Command.PROMOTE));

            assertEquals(ErrorCode.NO_SUCH_GROUP, refused.code);
            assertEquals("no such group: ap (groups: app)", refused.getMessage());
        } finally {
            app.shutdown();
        }
    }

    @Test
    void steer_whenNoRolloutRuns_refusesWithNoRollout() throws Exception {
        Group app = idleGroup("app");
        try {
            var refused = assertThrows(ControlSession.Refused.class,
                    () -> new RolloutSteering(() -> List.of(app)).steer("app", Steering.Command.ABORT));

            assertEquals(ErrorCode.NO_ROLLOUT, refused.code);
            assertEquals("group app has no rollout in progress: nothing to abort (hint: rolld restart app starts one)", refused.getMessage());
        } finally {
            app.shutdown();
        }
    }
}
