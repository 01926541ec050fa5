package io.rolld.process;

import java.io.IOException;
import java.util.List;

/** Starts a worker process; {@code fds} are rolld's descriptors it inherits as 3, 4, ... (none: a plain child). */
@FunctionalInterface
public interface Spawner {
    /** The real one: {@link Worker#spawn} (ProcessBuilder), or {@link NativeSpawn} when descriptors are passed. */
    Spawner OS = (spec, fds) -> fds.isEmpty() ? Worker.spawn(spec) : NativeSpawn.spawn(spec, fds);

    Worker spawn(WorkerSpec spec, List<Integer> fds) throws IOException;
}
