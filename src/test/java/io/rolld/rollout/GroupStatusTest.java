package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupStatusTest {
    private static GroupStatus.WorkerInfo worker(int port, long pid) {
        return new GroupStatus.WorkerInfo(port, pid, Instant.EPOCH, true);
    }

    @Test
    void ports_ofAHeldSocketGroup_nameTheHeldPortOnce() {
        GroupStatus held = new GroupStatus("app", 2, List.of(worker(8080, 11), worker(8080, 12), worker(8080, 13)), Optional.empty(),
                Optional.empty(), new Health.Healthy(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        assertEquals(List.of(8080), held.ports());
    }

    @Test
    void ports_ofAWorkset_areEachWorkersInOrder() {
        GroupStatus workset = new GroupStatus("app", 1, List.of(worker(8001, 11), worker(8002, 12)), Optional.empty(),
                Optional.empty(), new Health.Healthy(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        assertEquals(List.of(8001, 8002), workset.ports());
    }
}
