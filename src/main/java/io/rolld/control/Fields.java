package io.rolld.control;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** A decoded JSON object read field by field: a required field missing or of the wrong kind is a {@link MalformedMessage}. */
final class Fields {
    private final Map<String, Object> map;
    private final String line;

    private Fields(Map<String, Object> map, String line) {
        this.map = map;
        this.line = line;
    }

    static Fields of(String line) throws MalformedMessage {
        try {
            return new Fields(Json.object(line), line);
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessage("not a JSON object: " + e.getMessage(), e);
        }
    }

    static Fields of(Map<String, Object> map) {
        return new Fields(map, String.valueOf(map));
    }

    Object raw(String key) {
        return map.get(key);
    }

    String string(String key) throws MalformedMessage {
        return optionalString(key).orElseThrow(() -> wrong(key, "a string"));
    }

    Optional<String> optionalString(String key) {
        return map.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    long number(String key) throws MalformedMessage {
        OptionalLong n = optionalNumber(key);
        if (n.isEmpty()) {
            throw wrong(key, "a number");
        }
        return n.getAsLong();
    }

    OptionalLong optionalNumber(String key) {
        return map.get(key) instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
    }

    boolean flag(String key) {
        return Boolean.TRUE.equals(map.get(key));
    }

    /** A list's elements as text; none when absent or not a list. */
    List<String> strings(String key) {
        return map.get(key) instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }

    List<Integer> ints(String key) throws MalformedMessage {
        List<Integer> out = new ArrayList<>();
        for (Object o : list(key)) {
            out.add(((Number) number(key, o)).intValue());
        }
        return List.copyOf(out);
    }

    List<Long> longs(String key) throws MalformedMessage {
        List<Long> out = new ArrayList<>();
        for (Object o : list(key)) {
            out.add(((Number) number(key, o)).longValue());
        }
        return List.copyOf(out);
    }

    Map<String, Object> object(String key) throws MalformedMessage {
        if (map.get(key) instanceof Map<?, ?> m) {
            return cast(m);
        }
        throw wrong(key, "an object");
    }

    List<Map<String, Object>> objects(String key) throws MalformedMessage {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : list(key)) {
            if (!(o instanceof Map<?, ?> m)) {
                throw wrong(key, "a list of objects");
            }
            out.add(cast(m));
        }
        return out;
    }

    /** Every field but {@code except}, in order. */
    Map<String, Object> without(String... except) {
        Map<String, Object> rest = new LinkedHashMap<>(map);
        for (String key : except) {
            rest.remove(key);
        }
        return rest;
    }

    private List<?> list(String key) throws MalformedMessage {
        if (map.get(key) instanceof List<?> list) {
            return list;
        }
        throw wrong(key, "a list");
    }

    private Object number(String key, Object o) throws MalformedMessage {
        if (o instanceof Number) {
            return o;
        }
        throw wrong(key, "a list of numbers");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    MalformedMessage wrong(String key, String kind) {
        return new MalformedMessage("\"" + key + "\" is not " + kind + " in " + line);
    }
}
