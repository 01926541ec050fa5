package io.rolld.rollout;

/**
 * A step of a rollout failed the way rolld expects steps to fail (a port taken, a worker that
 * exits, a smoke test, a hook): the rollout rolls back. {@code reason} is one line; {@code detail}
 * may hold a command's output or a stderr tail. It carries no stack trace: it is an outcome.
 */
final class RolloutFailure extends Exception {
    private final String detail;

    RolloutFailure(String reason, String detail) {
        super(reason, null, false, false);
        this.detail = detail;
    }

    String reason() {
        return getMessage();
    }

    String detail() {
        return detail;
    }
}
