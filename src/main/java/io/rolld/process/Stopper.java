package io.rolld.process;

import io.rolld.os.Exit;
import io.rolld.config.PosixSignal;
import java.time.Duration;
import java.util.Map;

/** Stops a set of workers and says how each ended, by pid. */
@FunctionalInterface
public interface Stopper {
    /** The real one: {@link WorkerSet#stop}, each worker's whole tree, SIGKILL after the timeout. */
    Stopper OS = WorkerSet::stop;

    Map<Long, Exit> stop(WorkerSet set, PosixSignal signal, Duration timeout);
}
