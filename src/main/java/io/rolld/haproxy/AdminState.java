package io.rolld.haproxy;

/** A server's administrative state, as {@code set server BACKEND/SERVER state} sets it. */
public enum AdminState {
    /** Takes traffic by its weight. */
    READY,
    /** Takes no new traffic; what it serves finishes (HAProxy keeps its idle connections open). */
    DRAIN,
    /** Takes nothing; HAProxy closes its idle connections to it. */
    MAINT;

    /** HAProxy's {@code srv_admin_state} bits (2.6): any maintenance flag, FMAINT 0x01, IMAINT 0x02, RMAINT 0x20. */
    private static final int ANY_MAINT = 0x23;
    /** FDRAIN 0x08, IDRAIN 0x10. */
    private static final int ANY_DRAIN = 0x18;

    /** Reads {@code srv_admin_state} of {@code show servers state}; 0x04 alone (disabled in the configuration, then set ready) is ready. */
    static AdminState ofBits(int bits) {
        if ((bits & ANY_MAINT) != 0) {
            return MAINT;
        }
        return (bits & ANY_DRAIN) != 0 ? DRAIN : READY;
    }

    /** The word of {@code set server ... state WORD}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
