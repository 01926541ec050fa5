package io.rolld.web;

import java.util.Locale;

/** The {@code trigger} label of a rollout: a few fixed words for the free text a rollout is started with. */
final class Trigger {
    private Trigger() {
    }

    /** {@code first_start}, {@code hup}, {@code restart}, {@code memory}, {@code liveness}, {@code auto_restart}, {@code rollback}, else {@code other}. */
    static String label(String trigger) {
        String t = trigger.toLowerCase(Locale.ROOT);
        if (t.startsWith("first start")) {
            return "first_start";
        }
        if (t.startsWith("hup")) {
            return "hup";
        }
        if (t.startsWith("rolld restart")) {
            return "restart";
        }
        if (t.startsWith("memory")) {
            return "memory";
        }
        if (t.startsWith("liveness")) {
            return "liveness";
        }
        if (t.startsWith("rollback")) {
            return "rollback";
        }
        if (t.startsWith("auto_restart")) {
            return "auto_restart";
        }
        return "other";
    }
}
