package io.rolld.os;

import io.rolld.config.PosixSignal;

/** How a worker ended. */
public sealed interface Exit {

    record Code(int code) implements Exit {
        @Override
        public String toString() {
            return "exit status " + code;
        }
    }

    record Signaled(int signo) implements Exit {
        @Override
        public String toString() {
            return "killed by signal " + PosixSignal.nameOf(signo);
        }
    }

    /**
     * The process is gone but its status cannot be known: it was not rolld's child (an adopted
     * worker: its parent, init, collected the status), or someone else reaped it first.
     */
    record Unknown() implements Exit {
        @Override
        public String toString() {
            return "exit status unknown (not rolld's child)";
        }
    }
}
