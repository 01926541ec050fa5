package io.rolld.rollout;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One named value of a {@link RolloutEvent}, in the order its log line shows it. {@code value} is
 * a number, a string or a list of them; {@code env} names the {@code ROLLD_*} variable it is passed
 * as to an {@code on_event} command (empty: not passed).
 */
public record EventField(String key, Object value, Optional<String> env) {
    public EventField {
        value = value instanceof Collection<?> c ? List.copyOf(c) : value;
    }

    static EventField of(String key, Object value) {
        return new EventField(key, value, Optional.empty());
    }

    /** This field, also passed to on_event commands as {@code ROLLD_<variable>}. */
    EventField passedAs(String variable) {
        return new EventField(key, value, Optional.of("ROLLD_" + variable));
    }

    /** The value as one string: a list is comma-separated. */
    public String text() {
        return value instanceof List<?> l ? l.stream().map(String::valueOf).collect(Collectors.joining(",")) : String.valueOf(value);
    }
}
