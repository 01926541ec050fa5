package io.rolld.daemon;

/** Process exit statuses of rolld, documented in the README. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The first start of a group failed; everything rolld started was stopped. */
    public static final int START_FAILED = 1;
    /** rolld.yml is invalid (also {@code rolld check}); nothing was started. */
    public static final int CONFIG_INVALID = 2;
    /** Wrong command-line usage. */
    public static final int USAGE = 64;

    private ExitCodes() {
    }
}
