package io.rolld.haproxy;

/** HAProxy answered a command with something other than its answer for success: the command and that answer. */
public final class Refused extends Exception {
    private final String command;
    private final String answer;

    Refused(String command, String answer) {
        super("HAProxy refused '" + command + "': " + (answer.isEmpty() ? "(empty answer)" : answer));
        this.command = command;
        this.answer = answer;
    }

    public String command() {
        return command;
    }

    public String answer() {
        return answer;
    }
}
