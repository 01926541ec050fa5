package io.rolld.control;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON as rolld writes it everywhere (the control protocol, the state file, the JSON log): one
 * line, keys in insertion order, {@code null} values left out.
 */
public final class Json {
    private Json() {
    }

    /** A tree of maps, lists, strings, numbers and booleans as one line. */
    public static String line(Object tree) {
        try {
            return JSON.std.asString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + tree, e);
        }
    }

    /** One line back into a tree; {@link IOException} when it is not a JSON object. */
    public static Map<String, Object> object(String line) throws IOException {
        return JSON.std.mapFrom(line);
    }
}
