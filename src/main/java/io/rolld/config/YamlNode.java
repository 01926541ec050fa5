package io.rolld.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A composed YAML node together with the file it came from, so that every typed accessor can
 * fail at the node's own line and column. {@code what} arguments name the value for messages,
 * e.g. {@code "'cmd' in group 'app'"}.
 */
record YamlNode(Node node, String file) {

    int line() {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    int column() {
        return node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
    }

    /** "line 4, column 7", for messages that point at a second place in the same file. */
    String position() {
        return "line " + line() + ", column " + column();
    }

    ConfigException error(String problem) {
        return new ConfigException(file, line(), column(), problem);
    }

    static ConfigException error(String file, Mark mark, String problem) {
        return new ConfigException(file, mark.getLine() + 1, mark.getColumn() + 1, problem);
    }

    boolean isNull() {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** True for the bare word {@code word} written as a string, e.g. the original format's {@code numprocs}. */
    boolean isWord(String word) {
        return Tag.STR.equals(node.getTag()) && node instanceof ScalarNode s && s.getValue().equals(word);
    }

    boolean isList() {
        return node instanceof SequenceNode;
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** The text of a non-empty scalar, whatever its YAML type: {@code 8080} and {@code true} are strings here. */
    String text(String what) throws ConfigException {
        if (!(node instanceof ScalarNode scalar) || isNull()) {
            throw mismatch("a string", what);
        }
        return scalar.getValue();
    }

    /** An integer written as a YAML number; {@code expected} describes the allowed range for messages. */
    long integer(String expected, String what) throws ConfigException {
        if (!Tag.INT.equals(node.getTag()) || !(node instanceof ScalarNode scalar)) {
            throw mismatch(expected, what);
        }
        try {
            return Long.parseLong(scalar.getValue());
        } catch (NumberFormatException e) {
            throw error("number " + scalar.getValue() + " is too large for " + what);
        }
    }

    /** A YAML boolean ({@code true} or {@code false}). */
    boolean bool(String what) throws ConfigException {
        if (!Tag.BOOL.equals(node.getTag()) || !(node instanceof ScalarNode scalar)) {
            throw mismatch("true or false", what);
        }
        return Boolean.parseBoolean(scalar.getValue());
    }

    /** A non-blank path, resolved against {@code base} when relative. */
    Path path(String what, Path base) throws ConfigException {
        String text = text(what);
        if (text.isBlank()) {
            throw mismatch("a path", what);
        }
        return base.resolve(text).normalize();
    }

    /** A duration such as {@code 30s}; zero is refused since every rolld timeout must leave time to act. */
    Duration duration(String what) throws ConfigException {
        return positive(what, "duration", Durations::parse, Duration::isZero);
    }

    /** A size in bytes such as {@code 256MB} (see {@link Sizes}); zero is refused. */
    long size(String what) throws ConfigException {
        return positive(what, "size", Sizes::parse, bytes -> bytes == 0);
    }

    /** A value written with a unit ({@code kind}: duration, size) that must not be zero. */
    private <T> T positive(String what, String kind, Function<String, T> parse, Predicate<T> isZero)
            throws ConfigException {
        String text = text(what);
        T value;
        try {
            value = parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw error("invalid " + kind + " '" + text + "' for " + what + ": " + e.getMessage());
        }
        if (isZero.test(value)) {
            throw error(kind + " '" + text + "' for " + what + " must be greater than 0");
        }
        return value;
    }

    List<YamlNode> list(String what) throws ConfigException {
        if (!(node instanceof SequenceNode seq)) {
            throw mismatch("a list", what);
        }
        return seq.getValue().stream().map(n -> new YamlNode(n, file)).toList();
    }

    YamlMap map(String what) throws ConfigException {
        if (!(node instanceof MappingNode mapping)) {
            throw mismatch("a mapping", what);
        }
        return YamlMap.of(this, mapping, what);
    }

    ConfigException mismatch(String expected, String what) {
        return error("expected " + expected + " for " + what + ", found " + describe());
    }

    /** What the user wrote, in words: "a list", "string 'abc'", "number 70000", "an empty value". */
    String describe() {
        return switch (node) {
            case SequenceNode _ -> "a list";
            case MappingNode _ -> "a mapping";
            case ScalarNode s when isNull() -> "an empty value";
            case ScalarNode s when Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag()) -> "number " + s.getValue();
            case ScalarNode s when Tag.BOOL.equals(s.getTag()) -> "boolean " + s.getValue();
            case ScalarNode s -> "string '" + s.getValue() + "'";
            default -> "a " + node.getNodeType().name().toLowerCase();
        };
    }
}
