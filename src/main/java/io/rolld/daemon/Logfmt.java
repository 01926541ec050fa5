package io.rolld.daemon;

import io.rolld.rollout.EventField;
import io.rolld.rollout.RolloutEvent;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One log line: {@code event=x key=value key="quoted value"}, event first. It keeps its fields,
 * so the JSON log format ({@link JsonLogLayout}) renders the same line as one JSON object. A
 * multi-line {@link #detail} (a failing command's output) follows the line, indented.
 */
final class Logfmt {
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private String detail = "";

    private Logfmt(String event) {
        fields.put("event", event);
    }

    static Logfmt event(String event) {
        return new Logfmt(event);
    }

    /** The line of a rollout event: {@code event=NAME group=G}, its fields in order, its detail. */
    static Logfmt of(RolloutEvent event) {
        Logfmt line = event(event.name()).kv("group", event.group());
        for (EventField f : event.fields()) {
            line.kv(f.key(), f.value());
        }
        return line.detail(event.detail());
    }

    Logfmt kv(String key, Object value) {
        fields.put(key, value instanceof Collection<?> c ? List.copyOf(c) : value);
        return this;
    }

    Logfmt detail(String text) {
        this.detail = text.strip();
        return this;
    }

    /** The fields in order, values as given (lists stay lists), plus {@code detail} when there is one. */
    Map<String, Object> fields() {
        Map<String, Object> all = new LinkedHashMap<>();
        fields.forEach((k, v) -> all.put(k, v == null || v instanceof Number || v instanceof Boolean
                || v instanceof List<?> ? v : String.valueOf(v)));
        if (!detail.isEmpty()) {
            all.put("detail", detail);
        }
        return Collections.unmodifiableMap(all);
    }

    private static String render(Object value) {
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    private static String quote(String s) {
        if (!s.isEmpty() && s.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '=' || c == '\\')) {
            return s;
        }
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    @Override
    public String toString() {
        String line = fields.entrySet().stream().map(e -> e.getKey() + "=" + quote(render(e.getValue())))
                .collect(Collectors.joining(" "));
        return detail.isEmpty() ? line : line + "\n" + detail.indent(4).stripTrailing();
    }
}
