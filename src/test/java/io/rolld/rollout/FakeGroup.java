package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.os.MemoryReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link Group} on a {@link FakeHost}, for tests that roll it and read what it reports. */
final class FakeGroup implements AutoCloseable {
    private static final long WAIT_S = 30; // generous: only for what must happen

    final Group group;

    FakeGroup(Path dir, GroupConfig config, FakeHost fake, List<RolloutEvent> events, Ticker ticker) {
        this.group = new Group(config, dir, fake.host(), new MemoryReader(dir.resolve("proc")), List.of(events::add), ticker);
    }

    RolloutResult roll(String trigger) throws Exception {
        return group.requestRollout(trigger).get(WAIT_S, TimeUnit.SECONDS);
    }

    /** The serving set's pids, from status. */
    List<Long> activePids() {
        return group.status().workers().stream().map(GroupStatus.WorkerInfo::pid).toList();
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdown();
    }
}
