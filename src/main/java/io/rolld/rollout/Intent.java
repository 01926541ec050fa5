package io.rolld.rollout;

/**
 * What a group's rollout is about to do, recorded before it does it (write-ahead), so that a rolld
 * started after this one died knows what may have happened: which generations were involved and
 * what the front may list. {@link Adoption} reconciles from it.
 *
 * @param phase the phase whose effect is about to run
 * @param from  the generation that served when the rollout started (0: none, a first start)
 * @param to    the generation being rolled out
 * @param front what the front may list from now on
 */
public record Intent(Phase phase, long from, long to, FrontTarget front) {
    /** What the front may list while the intent holds. */
    public enum FrontTarget {
        /** Only the old set: the front was not touched yet. */
        OLD,
        /** The old set, the new one or both: hooks run, a canary step or bake holds, or a rollback puts the front back. */
        EITHER,
        /** Only the new set: the old one drains and stops. */
        NEW
    }

    public Intent {
        if (to != from + 1) {
            throw new IllegalArgumentException("a rollout goes from generation " + from + " to " + (from + 1) + ", not " + to);
        }
    }

    /** Before a rollout from generation {@code from} does what {@code phase} does, with the front at {@code front}. */
    static Intent of(Phase phase, long from, FrontTarget front) {
        return new Intent(phase, from, from + 1, front);
    }
}
