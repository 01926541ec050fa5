package io.rolld.rollout;

import io.rolld.os.Niceness;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;

/**
 * A new generation starts at a lower CPU priority ({@code start_nice} added to rolld's own nice
 * value) until the group counts it ready, then gets rolld's back: the interpreters and JITs
 * warming up take less CPU from the generation that serves meanwhile. Applied to each worker's
 * process group, so its threads and forked children follow ({@link Niceness}). Only when rolld
 * may set the value back ({@code CAP_SYS_NICE}, e.g. as root, or a {@code RLIMIT_NICE} that
 * allows it); otherwise workers start at rolld's priority, as a worker must never stay lowered.
 */
final class StartPriority {
    private static final int LOWEST = 19;

    /** rolld's own nice value and whether it may set it back: read at first use, only by groups with a start_nice. */
    private static final class Rolld {
        static final int NORMAL = Niceness.own();
        static final boolean RESTORABLE = Niceness.mayLowerTo(NORMAL);
    }

    private final int startNice;

    StartPriority(int startNice) {
        this.startNice = startNice;
    }

    private boolean applies() {
        return startNice > 0 && Rolld.RESTORABLE && Rolld.NORMAL < LOWEST;
    }

    /** Right after the spawn: the worker has run for microseconds at most. Returns it. */
    Worker lowered(Worker w) {
        if (applies()) {
            Niceness.setGroup(w.pid(), Math.min(LOWEST, Rolld.NORMAL + startNice)); // false: it exited already, its exit is news elsewhere
        }
        return w;
    }

    /** The generation is ready: every worker back at rolld's priority. */
    void restore(WorkerSet ready) {
        if (applies()) {
            ready.workers().forEach(w -> Niceness.setGroup(w.pid(), Rolld.NORMAL));
        }
    }
}
