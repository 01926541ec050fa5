package io.rolld.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** "Did you mean" suggestions for misspelt keys. */
final class Hints {
    /** Farther than this, a suggestion is more confusing than helpful. */
    private static final int MAX_DISTANCE = 2;

    private Hints() {
    }

    /**
     * The known key closest to {@code given} (case-insensitively, at most two edits away), or the
     * rolld key for a close match among {@code aliases} (e.g. supervisord's {@code command} → {@code cmd}).
     */
    static Optional<String> closest(String given, List<String> known, Map<String, String> aliases) {
        String g = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : Stream.concat(known.stream(), aliases.keySet().stream().sorted()).toList()) {
            int d = distance(g, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = aliases.getOrDefault(candidate, candidate);
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitution, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
