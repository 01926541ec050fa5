package io.rolld.daemon;

import java.util.Collection;
import java.util.stream.Collectors;

/** Builds one logfmt line: {@code event=x key=value key="quoted value"}, event first. */
final class Logfmt {
    private final StringBuilder line = new StringBuilder();

    private Logfmt(String event) {
        line.append("event=").append(event);
    }

    static Logfmt event(String event) {
        return new Logfmt(event);
    }

    Logfmt kv(String key, Object value) {
        line.append(' ').append(key).append('=').append(quote(render(value)));
        return this;
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
        return line.toString();
    }
}
