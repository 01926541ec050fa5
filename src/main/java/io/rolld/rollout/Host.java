package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.front.Front;
import io.rolld.os.ProcNetTcp;
import io.rolld.process.Spawner;
import io.rolld.process.Stopper;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What a rollout uses of the machine: the kernel's port table, how workers start and stop, the
 * front it switches, and where it records what it is about to do. {@link #of} is the real one; tests pass small fakes.
 */
record Host(ProcNetTcp tcp, Spawner spawner, Stopper stopper, Function<GroupConfig, Front> fronts, IntentLog intents, WorkerTag tag) {

    /**
     * {@code configFile}: the daemon's rolld.yml, whose directory the after_start hooks run in and
     * whose path tags every worker ({@link WorkerTag}); {@code intents}: where rollouts record what they are about to do.
     */
    static Host of(ProcNetTcp tcp, Path configFile, IntentLog intents) {
        WorkerTag tag = new WorkerTag(configFile);
        Spawner tagged = (spec, fds) -> Spawner.OS.spawn(spec.withEnvironment(tag.environment()), fds);
        return new Host(tcp, tagged, Stopper.OS, c -> Front.of(c, configFile.getParent()), intents, tag);
    }
}
