package io.rolld.daemon;

import io.rolld.process.Release;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One rollout of one group as {@code rolld history} shows it and {@code rolld rollback} reads it.
 *
 * @param release    what the generation ran, once the rollout resolved it (a rollout refused before that has none)
 * @param result     {@link #RUNNING}, {@code succeeded}, {@code rolled_back} or {@link #INTERRUPTED} (rolld stopped
 *                   during it and the next one did not say how it ended)
 * @param failedIn   the phase a rolled-back rollout failed in; empty otherwise
 * @param reason     why it rolled back, or how a restarted rolld settled it; empty otherwise
 * @param gapMs      {@code strategy: recreate}: how long no worker served during it
 */
record GenerationRecord(String group, long generation, Instant started, String trigger, Optional<Release> release,
                        String result, long durationMs, String failedIn, String reason, OptionalLong gapMs) {
    static final String RUNNING = "running";
    static final String SUCCEEDED = "succeeded";
    static final String ROLLED_BACK = "rolled_back";
    static final String INTERRUPTED = "interrupted";

    boolean succeeded() {
        return result.equals(SUCCEEDED);
    }

    GenerationRecord withRelease(Release r) {
        return new GenerationRecord(group, generation, started, trigger, Optional.of(r), result, durationMs, failedIn, reason, gapMs);
    }

    GenerationRecord withGap(long ms) {
        return new GenerationRecord(group, generation, started, trigger, release, result, durationMs, failedIn, reason, OptionalLong.of(ms));
    }

    GenerationRecord ended(String how, long ms, String phase, String why) {
        return new GenerationRecord(group, generation, started, trigger, release, how, ms, phase, why, gapMs);
    }

    /** For clients: everything but the environment's values (they may be secrets); the variables' names are listed. */
    Map<String, Object> shown() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", group);
        m.put("generation", generation);
        m.put("started", started.toString());
        m.put("trigger", trigger);
        m.put("release", release.map(r -> r.directory().toString()).orElse(null));
        m.put("cmd", release.map(Release::cmd).orElse(null));
        m.put("env_names", release.map(r -> r.env().keySet().stream().sorted().toList()).orElse(null));
        m.put("result", result);
        m.put("duration_ms", durationMs);
        if (!failedIn.isEmpty()) {
            m.put("failed_in", failedIn);
        }
        if (!reason.isEmpty()) {
            m.put("reason", reason);
        }
        gapMs.ifPresent(ms -> m.put("gap_ms", ms));
        return m;
    }

    /** For the history file only (mode 0600): the whole release, values included. */
    Map<String, Object> stored() {
        Map<String, Object> m = shown();
        m.remove("env_names");
        m.put("env", release.map(r -> new java.util.TreeMap<>(r.env())).orElse(null));
        return m;
    }

    static GenerationRecord of(Map<?, ?> m) {
        Optional<Release> release = m.get("release") instanceof String dir && m.get("env") instanceof Map<?, ?> env
                ? Optional.of(new Release(java.nio.file.Path.of(dir), String.valueOf(m.get("cmd")), strings(env)))
                : Optional.empty();
        return new GenerationRecord(String.valueOf(m.get("group")), ((Number) m.get("generation")).longValue(),
                Instant.parse(String.valueOf(m.get("started"))), String.valueOf(m.get("trigger")), release,
                String.valueOf(m.get("result")), ((Number) m.get("duration_ms")).longValue(),
                m.get("failed_in") instanceof String f ? f : "", m.get("reason") instanceof String r ? r : "",
                m.get("gap_ms") instanceof Number g ? OptionalLong.of(g.longValue()) : OptionalLong.empty());
    }

    private static Map<String, String> strings(Map<?, ?> env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }
}
