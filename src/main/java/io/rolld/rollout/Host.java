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
record Host(ProcNetTcp tcp, Spawner spawner, Stopper stopper, Function<GroupConfig, Front> fronts, IntentLog intents) {

    /** {@code configDir}: where the after_start hooks run; {@code intents}: where rollouts record what they are about to do. */
    static Host of(ProcNetTcp tcp, Path configDir, IntentLog intents) {
        return new Host(tcp, Spawner.OS, Stopper.OS, c -> Front.of(c, configDir), intents);
    }
}
