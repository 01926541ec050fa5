package io.rolld.process;

import java.io.IOException;
import java.util.List;

/** Starts a worker process; {@code fds} are rolld's descriptors it inherits as 3, 4, ... (none: a plain child). */
@FunctionalInterface
public interface Spawner {
    /** The real one, for both modes: {@link NativeSpawn} (posix_spawn, exits watched by pidfd). */
    Spawner OS = NativeSpawn::spawn;

    Worker spawn(WorkerSpec spec, List<Integer> fds) throws IOException;
}
