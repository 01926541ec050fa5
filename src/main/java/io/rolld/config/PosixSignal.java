package io.rolld.config;

import java.util.List;

/** The signals rolld sends or handles, with their Linux numbers. */
public enum PosixSignal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), TERM(15), WINCH(28);

    /** Linux's names of signals 1 to 31 (x86_64 and aarch64), for any signal that ends a worker. */
    private static final List<String> LINUX_NAMES = List.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

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

    /** "SIGSEGV" for 11, "SIGRTMIN+2" for 36 (glibc's SIGRTMIN is 34), the number itself beyond. */
    public static String nameOf(int number) {
        if (number >= 1 && number <= LINUX_NAMES.size()) {
            return "SIG" + LINUX_NAMES.get(number - 1);
        }
        return number >= 34 && number <= 64 ? "SIGRTMIN+" + (number - 34) : Integer.toString(number);
    }
}
