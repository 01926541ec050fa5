package io.rolld.daemon;

import io.rolld.control.ErrorCode;

/** Process exit statuses of rolld and its client commands, documented in docs/operation.md. */
public final class ExitCodes {
    public static final int OK = 0;
    /**
     * The first start of a group failed (everything started was stopped); or {@code restart
     * --wait}: a rollout was rolled back; or {@code status}: a group is degraded.
     */
    public static final int FAILED = 1;
    /** rolld.yml is invalid (also {@code rolld check}); nothing was started or changed. */
    public static final int CONFIG_INVALID = 2;
    /** Client commands: no daemon answers on the control socket. */
    public static final int NOT_RUNNING = 3;
    /** {@code restart --wait} / {@code stop --wait}: the timeout passed; the daemon carries on. */
    public static final int TIMEOUT = 4;
    /** {@code restart GROUP}: no group of that name. */
    public static final int NO_SUCH_GROUP = 5;
    /** Another rolld already runs with the same control socket. */
    public static final int ALREADY_RUNNING = 6;
    /** The daemon refused the request (it is shutting down) or answered something unexpected. */
    public static final int REFUSED = 7;
    /**
     * {@code reexec}: refused: the build on disk did not pass its check (or execve failed); the
     * daemon carries on with its running build, workers untouched.
     */
    public static final int REEXEC_REFUSED = 8;
    /**
     * {@code reexec}: the daemon exec'd but no new image answered before the timeout (or another
     * pid did): see rolld's log; the workers keep serving and the next rolld adopts them.
     */
    public static final int REEXEC_LOST = 9;
    /** {@code promote}/{@code abort}: the group has no rollout in progress. */
    public static final int NO_ROLLOUT = 10;
    /** {@code promote}/{@code abort}: the rollout in progress is not in a bake or a canary pause. */
    public static final int NOT_BAKING = 11;
    /** {@code abort}: too late: the old set drains or stops already and the new set serves. */
    public static final int TOO_LATE = 12;
    /**
     * {@code rollback}: refused, nothing changed: no earlier successful generation ran another release
     * (or the one named is not recorded), or its release directory no longer exists.
     */
    public static final int ROLLBACK_REFUSED = 13;
    /** Wrong command-line usage. */
    public static final int USAGE = 64;

    /** The first start of a group failed; kept under its old name for the daemon's callers. */
    public static final int START_FAILED = FAILED;

    private ExitCodes() {
    }

    /** The client's exit status for a refusal: every code has one, so a new code does not compile until it is given one. */
    public static int of(ErrorCode code) {
        return switch (code) {
            case NO_SUCH_GROUP -> NO_SUCH_GROUP;
            case CONFIG_INVALID -> CONFIG_INVALID;
            case REEXEC_REFUSED -> REEXEC_REFUSED;
            case TIMEOUT -> TIMEOUT;
            case NO_ROLLOUT -> NO_ROLLOUT;
            case NOT_BAKING -> NOT_BAKING;
            case TOO_LATE -> TOO_LATE;
            case ROLLBACK_REFUSED -> ROLLBACK_REFUSED;
            case BAD_REQUEST, REQUEST_TOO_LARGE, SHUTTING_DOWN -> REFUSED;
        };
    }
}
