package io.rolld.control;

/** A line that is not a control-protocol message this build understands: not JSON, or a field missing or of the wrong kind. */
public final class MalformedMessage extends Exception {
    MalformedMessage(String message) {
        super(message);
    }

    MalformedMessage(String message, Throwable cause) {
        super(message, cause);
    }
}
