package io.rolld.process;

import io.rolld.os.PosixSignal;

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
     * Decodes {@link Process#exitValue()}: the JDK reports death by signal N as 128 + N, which a
     * program could also return on purpose; we read it as a signal, as shells do.
     */
    static Exit ofJdkValue(int value) {
        return value > 128 && value < 128 + 65 ? new Signaled(value - 128) : new Code(value);
    }
}
