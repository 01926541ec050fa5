package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.config.GroupConfig;
import io.rolld.os.ProcessEnvironments;
import io.rolld.os.ProcessStartTime;
import io.rolld.process.WorkerRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers a dead rolld started but never recorded, found by their environment in a fixture /proc. */
class WorkerTagTest {
    @TempDir
    Path dir;

    private Path proc() {
        return dir.resolve("proc");
    }

    private WorkerTag tag() {
        return new WorkerTag(dir.resolve("rolld.yml"));
    }

    private void process(long pid, long ppid, long startTime, Map<String, String> env) throws Exception {
        Path p = Files.createDirectories(proc().resolve(Long.toString(pid)));
        Files.writeString(p.resolve("stat"), pid + " (python3) S " + ppid + " " + pid + " " + pid
                + " 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 " + startTime + " 12345678 300\n");
        StringBuilder environ = new StringBuilder();
        env.forEach((k, v) -> environ.append(k).append('=').append(v).append('\0'));
        Files.write(p.resolve("environ"), environ.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, String> worker(String config, String group, long generation, String slotVariable, int slot) {
        return Map.of("PATH", "/usr/bin", WorkerTag.VARIABLE, config, "ROLLD_GROUP", group,
                "ROLLD_GENERATION", Long.toString(generation), slotVariable, Integer.toString(slot));
    }

    private List<WorkerRecord> unrecorded(GroupConfig group, List<WorkerRecord> recorded) {
        return tag().unrecorded(group, recorded, new ProcessEnvironments(proc()), new ProcessStartTime(proc()));
    }

    @Test
    void worksetMode_findsTheTopmostTaggedWorkersOfItsGroupThatNoRecordNames() throws Exception {
        String ours = dir.resolve("rolld.yml").toString();
        process(100, 1, 5000, worker(ours, "app", 2, "ROLLD_PORT", 9201)); // spawned, not yet recorded
        process(101, 100, 5001, worker(ours, "app", 2, "ROLLD_PORT", 9201)); // its own child (a preforking server's)
        process(102, 1, 4000, worker(ours, "app", 1, "ROLLD_PORT", 9101)); // recorded
        process(103, 1, 5002, worker(ours, "web", 2, "ROLLD_PORT", 9301)); // another group
        process(104, 1, 5003, worker("/etc/rolld/other.yml", "app", 2, "ROLLD_PORT", 9201)); // another daemon's
        process(105, 1, 5004, Map.of("PATH", "/usr/bin")); // not a worker
        WorkerRecord recorded = new WorkerRecord("app", 1, 9101, 9101, 102, 4000, List.of());

        List<WorkerRecord> found = unrecorded(FakeGroups.onePort(dir, ""), List.of(recorded));

        assertEquals(List.of(new WorkerRecord("app", 2, 9201, 9201, 100, 5000, List.of())), found);
    }

    @Test
    void heldSocketMode_takesTheSlotFromRolldWorkerAndThePortFromTheRecordedWorkers() throws Exception {
        GroupConfig held = FakeGroups.app(dir, "  listen: ['127.0.0.1:8080', 'unix:" + dir + "/app.sock']\n  workers: 2\n");
        process(200, 1, 7000, worker(dir.resolve("rolld.yml").toString(), "app", 3, "ROLLD_WORKER", 2));
        WorkerRecord recorded = new WorkerRecord("app", 3, 1, 8080, 199, 6999, List.of(3, 4));

        List<WorkerRecord> found = unrecorded(held, List.of(recorded));

        assertEquals(List.of(new WorkerRecord("app", 3, 2, 8080, 200, 7000, List.of(3, 4))), found);
    }
}
