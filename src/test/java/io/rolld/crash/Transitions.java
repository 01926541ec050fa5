package io.rolld.crash;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** rolld's {@code transition} lines: where a killed rolld was when it died. */
final class Transitions {
    private static final Pattern STATE = Pattern.compile("event=transition group=app generation=(\\d+) state=([A-Z_]+) ");

    private Transitions() {
    }

    /** The state of the last transition of {@code generation} among {@code lines} ("" if none). */
    static String lastState(List<String> lines, long generation) {
        String state = "";
        for (String line : lines) {
            Matcher m = STATE.matcher(line);
            if (m.find() && Long.parseLong(m.group(1)) == generation) {
                state = m.group(2);
            }
        }
        return state;
    }
}
