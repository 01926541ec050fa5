package io.rolld.os;

import io.rolld.config.PosixSignal;

/** Sends a signal to one process that rolld did not start itself (a worker's child), named by its pid and start time. */
@FunctionalInterface
public interface ProcessSignaller {
    /**
     * The real one: kill(2) once {@code /proc} shows the pid still has the start time read, so a pid
     * reused since is left alone (the window between the two is a pid wrap-around within microseconds).
     */
    ProcessSignaller OS = (process, signal) -> ProcessStartTime.system().of(process.pid()).equals(java.util.OptionalLong.of(process.startTime()))
            && SignalCalls.kill(process.pid(), signal.number());

    /** False when the process is gone. */
    boolean send(ProcessTable.Entry process, PosixSignal signal);
}
