package io.rolld.control;

import java.util.Locale;
import java.util.Optional;

/**
 * Why the daemon refused a request: the {@code code} of an {@link Answer.Error}, on the wire in
 * lower case ({@code no_such_group}). {@code ExitCodes.of} maps each to the client's exit status.
 */
public enum ErrorCode {
    NO_SUCH_GROUP,
    /** rolld.yml is invalid now ({@code restart}); nothing changed. */
    CONFIG_INVALID,
    BAD_REQUEST,
    /** The request line passed {@link Request#MAX_LINE_BYTES}; the connection is closed unread. */
    REQUEST_TOO_LARGE,
    SHUTTING_DOWN,
    /** {@code reexec}: the build on disk failed its check, or execve failed; the running build carries on. */
    REEXEC_REFUSED,
    /** {@code promote}/{@code abort}: the group has no rollout in progress. */
    NO_ROLLOUT,
    /** {@code promote}: the rollout in progress is in no bake or canary pause. */
    NOT_BAKING,
    /** {@code abort}: the old set drains or stops already, the new set serves alone: too late to go back. */
    TOO_LATE,
    /** {@code rollback}: nothing earlier to roll back to, or its release directory is gone; nothing changed. */
    ROLLBACK_REFUSED,
    /** {@code reexec}: a rollout was still running at the request's timeout; nothing changed. */
    TIMEOUT;

    /** As on the wire. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ErrorCode> fromWire(String code) {
        for (ErrorCode c : values()) {
            if (c.wire().equals(code)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
