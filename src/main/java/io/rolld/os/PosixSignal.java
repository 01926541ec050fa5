package io.rolld.os;

import java.util.Arrays;
import java.util.Optional;

/** The signals rolld sends or handles, with their Linux numbers. */
public enum PosixSignal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), TERM(15), WINCH(28);

    private final int number;

    PosixSignal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** Looks a signal up by name, with or without the {@code SIG} prefix. */
    public static PosixSignal named(String name) {
        String bare = name.startsWith("SIG") ? name.substring(3) : name;
        return valueOf(bare);
    }

    public static Optional<PosixSignal> ofNumber(int number) {
        return Arrays.stream(values()).filter(s -> s.number == number).findFirst();
    }
}
