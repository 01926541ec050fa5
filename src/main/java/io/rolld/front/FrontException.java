package io.rolld.front;

/** A front switch failed; the message names the step and carries the command's output. */
public final class FrontException extends Exception {
    public FrontException(String message) {
        super(message);
    }

    public FrontException(String message, Throwable cause) {
        super(message, cause);
    }
}
