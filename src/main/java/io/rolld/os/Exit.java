package io.rolld.os;

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
            return "killed by signal " + PosixSignal.ofNumber(signo).map(s -> "SIG" + s).orElse(Integer.toString(signo));
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

    /**
     * Decodes {@link Process#exitValue()}: the JDK reports death by signal N as 128 + N, which a
     * program could also return on purpose; we read it as a signal, as shells do.
     */
    public static Exit ofJdkValue(int value) {
        return value > 128 && value < 128 + 65 ? new Signaled(value - 128) : new Code(value);
    }

    /** A raw wait status: low 7 bits are the terminating signal, or 0 with the exit code in the next byte. */
    public static Exit ofWaitStatus(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? new Code((status >> 8) & 0xff) : new Signaled(signal);
    }
}
