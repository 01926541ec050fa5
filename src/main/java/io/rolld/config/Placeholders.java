package io.rolld.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** The {@code {numproc}} placeholder of {@code cmd}, {@code stdout} and {@code stderr}: checked at load, expanded at spawn. */
public final class Placeholders {
    static final String NUMPROC = "numproc";
    /** A word in braces; {@code ${NAME}} is shell syntax, not ours, and is left alone. */
    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\$)\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

    private Placeholders() {
    }

    public static String expand(String template, int port) {
        return template.replace("{" + NUMPROC + "}", Integer.toString(port));
    }

    /** Refuses a placeholder other than {@code {numproc}}, at its own column when the scalar is on one line. */
    static void check(YamlNode node, String text, String what) throws ConfigException {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (name.equals(NUMPROC)) {
                continue;
            }
            String hint = Hints.closest(name, List.of(NUMPROC), Map.of())
                    .map(known -> "did you mean {" + known + "}?")
                    .orElse("the only placeholder is {" + NUMPROC + "}: the worker's port, or its number in a held-socket group");
            String problem = "unknown placeholder '{" + name + "}' in " + what + " (hint: " + hint + ")";
            int offset = offset(node, text);
            throw offset < 0 ? node.error(problem)
                    : new ConfigException(node.file(), node.line(), node.column() + offset + m.start(), problem);
        }
    }

    /**
     * Columns from the node's start to its text's first character, or -1 when the text is not
     * written verbatim on one line (escapes, folding), so columns inside it cannot be trusted.
     */
    private static int offset(YamlNode node, String text) {
        if (!(node.node() instanceof ScalarNode scalar)) {
            return -1;
        }
        int quotes = switch (scalar.getScalarStyle()) {
            case PLAIN -> 0;
            case SINGLE_QUOTED, DOUBLE_QUOTED -> 1;
            default -> -1;
        };
        boolean verbatim = quotes >= 0 && scalar.getStartMark().isPresent() && scalar.getEndMark().isPresent()
                && scalar.getStartMark().get().getLine() == scalar.getEndMark().get().getLine()
                && scalar.getEndMark().get().getColumn() - scalar.getStartMark().get().getColumn() == text.length() + 2 * quotes;
        return verbatim ? quotes : -1;
    }
}
