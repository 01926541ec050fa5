package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.os.Exit;
import io.rolld.os.HeldSocketSet;
import io.rolld.config.PosixSignal;
import io.rolld.process.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerSpecsTest {
    @TempDir
    Path dir;

    private GroupConfig group(String mode) throws Exception {
        Files.createDirectories(dir.resolve("env"));
        Files.writeString(dir.resolve("env/FROM_ENVDIR"), "read at rollout start\n");
        return ConfigLoader.parse("""
                app:
                  cmd: 'sh -c ''printf "%%s|%%s|%%s|%%s" "$FROM_ENVDIR" "$ROLLD_WORKER" "$LISTEN_FDS" "$ROLLD_GENERATION" > out-{numproc}'''
                  directory: '%s'
                  envdir: '%s'
                %s
                """.formatted(dir, dir.resolve("env"), mode), dir.resolve("rolld.yml")).group("app").orElseThrow();
    }

    @Test
    void slots_areThePortInLoadBalancerMode_andTheWorkerNumberInHeldMode() throws Exception {
        WorkerSpecs balanced = WorkerSpecs.load(group("  workset:\n    - numprocs: [8001, 8002]\n    - numprocs: [8003, 8004]"),
                new Slots.Ports(), io.rolld.process.Spawner.OS);
        assertEquals("port 8002", balanced.describe(8002));
        GroupConfig heldGroup = group("  listen: 'unix:" + dir.resolve("s.sock") + "'\n  workers: 2");
        HeldSockets mode = (HeldSockets) heldGroup.mode();
        try (HeldSocketSet sockets = HeldSocketSet.open(mode.listen())) {
            WorkerSpecs held = WorkerSpecs.load(heldGroup, new Slots.Held(mode, sockets), io.rolld.process.Spawner.OS);
            Worker w = held.spawn(2, 7, Optional.empty());
            try {
                assertEquals(2, held.slotOf(1, w), "the second worker of a held set is worker 2, whatever its port");
                assertEquals("worker 2", held.describe(2));
                assertEquals(new Exit.Code(0), w.exit().get(10, TimeUnit.SECONDS));
                assertEquals("read at rollout start|2|1|7", Files.readString(dir.resolve("out-2")),
                        "a held worker gets the envdir, its number, the inherited socket and its generation");
            } finally {
                w.stop(io.rolld.config.PosixSignal.named("TERM"), Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aWorkerOfALoadBalancedGroup_isInItsPortsSlot() throws Exception {
        WorkerSpecs balanced = WorkerSpecs.load(group("  workset:\n    - numprocs: [8001, 8002]\n    - numprocs: [8003, 8004]"),
                new Slots.Ports(), io.rolld.process.Spawner.OS);
        Worker w = balanced.spawn(8002, 1, Optional.empty());
        try {
            assertEquals(8002, balanced.slotOf(1, w));
            w.exit().get(10, TimeUnit.SECONDS);
            assertEquals("read at rollout start|||1", Files.readString(dir.resolve("out-8002")));
        } finally {
            w.stop(io.rolld.config.PosixSignal.named("TERM"), Duration.ofSeconds(5));
        }
    }
}
