package io.rolld.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads rolld.yml into a validated {@link Config}. Everything is checked before anything is
 * started: types, unknown keys, ports, directories, templates. The first problem found is thrown
 * as a {@link ConfigException} naming the file as given, the line and the column.
 * Loading has no side effects: nothing is spawned, created or written.
 */
public final class ConfigLoader {
    static final List<String> SETTINGS_KEYS = List.of("control_socket", "pid_file", "state_file", "log_format", "http",
            "http_public", LogRotationParser.KEY);

    private ConfigLoader() {
    }

    public static Config load(Path file) throws ConfigException {
        StrictModes.check(file, StrictModes.runningAsRoot());
        return parse(read(file), file);
    }

    /**
     * Only the control socket's path, for the client commands: the groups are not validated, so a
     * file being edited still tells {@code rolld status} where the socket is. A file that never
     * names {@code control_socket} is not even parsed (the client starts faster without the YAML parser).
     */
    public static Path controlSocketOf(Path file) throws ConfigException {
        Path configDir = file.toAbsolutePath().normalize().getParent();
        Path fallback = Settings.defaultsFor(configDir).controlSocket();
        String yaml = read(file);
        if (!yaml.contains("control_socket")) {
            return fallback;
        }
        YamlNode root = compose(yaml, file.toString());
        if (!root.isMapping()) {
            return fallback;
        }
        return root.map("the top-level mapping").get(Settings.KEY, n -> settings(n, configDir, new PortRegistry()),
                Settings.defaultsFor(configDir)).controlSocket();
    }

    private static String read(Path file) throws ConfigException {
        String name = file.toString();
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, 0, 0, "cannot read: no such file", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(name, 0, 0, "cannot read: not valid UTF-8", e);
        } catch (IOException e) {
            throw new ConfigException(name, 0, 0, "cannot read: " + e.getMessage(), e);
        }
        return yaml;
    }

    /**
     * Parses {@code yaml} as if it had been read from {@code file}: messages name {@code file} and
     * relative paths resolve against its directory. The file itself is not read.
     */
    public static Config parse(String yaml, Path file) throws ConfigException {
        String name = file.toString();
        Path absolute = file.toAbsolutePath().normalize();
        Path configDir = absolute.getParent();
        YamlNode root = compose(yaml, name);
        if (root.isNull()) {
            throw root.error("the file is empty (hint: each top-level key is a group, e.g. 'app-servers:' with cmd and workset)");
        }
        if (!root.isMapping()) {
            throw root.error("expected a mapping of group names to groups at the top level, found " + root.describe());
        }
        YamlMap top = root.map("the top-level mapping");
        PortRegistry ports = new PortRegistry();
        Settings settings = top.get(Settings.KEY, n -> settings(n, configDir, ports), Settings.defaultsFor(configDir));
        GroupParser groups = new GroupParser(configDir, ports, settings.logs());
        List<GroupConfig> parsed = new ArrayList<>();
        for (YamlMap.Entry entry : top.entries()) {
            if (!entry.name().equals(Settings.KEY)) {
                parsed.add(groups.parse(entry));
            }
        }
        if (parsed.isEmpty()) {
            throw root.error("no groups defined (hint: each top-level key other than '" + Settings.KEY
                    + "' is a group, e.g. 'app-servers:' with cmd and workset)");
        }
        return new Config(absolute, settings, parsed);
    }

    private static YamlNode compose(String yaml, String name) throws ConfigException {
        Compose compose = new Compose(LoadSettings.builder().setLabel(name).build());
        try {
            Optional<Node> node = compose.composeString(yaml);
            // An empty document composes to nothing at all; treat it like an explicit null (reported at 1:1).
            return new YamlNode(node.orElseGet(() -> new ScalarNode(Tag.NULL, "", ScalarStyle.PLAIN)), name);
        } catch (MarkedYamlEngineException e) {
            String problem = "invalid YAML: " + yamlProblem(e);
            throw e.getProblemMark().map(m -> YamlNode.error(name, m, problem)).orElseGet(() -> new ConfigException(name, 1, 1, problem, e));
        } catch (ReaderException e) {
            int[] lc = lineAndColumn(yaml, e.getPosition());
            throw new ConfigException(name, lc[0], lc[1], String.format("invalid YAML: special character U+%04X is not allowed", e.getCodePoint()), e);
        } catch (YamlEngineException e) {
            throw new ConfigException(name, 1, 1, "invalid YAML: " + e.getMessage(), e);
        }
    }

    /**
     * snakeyaml's problem plus its context, which often points at the real mistake: the opening
     * bracket or quote that was never closed. Contexts read "while parsing a flow sequence" or,
     * for a few errors, are the first half of the sentence ("expected a single document in the stream").
     */
    private static String yamlProblem(MarkedYamlEngineException e) {
        String context = e.getContext();
        if (context == null || context.isBlank()) {
            return e.getProblem();
        }
        if (!context.startsWith("while")) {
            return context + ", " + e.getProblem();
        }
        return e.getProblem() + e.getContextMark()
                .map(m -> " (" + context + " started at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")")
                .orElse(" (" + context + ")");
    }

    /** 1-based line and column of the code point at {@code index} (snakeyaml counts code points). */
    private static int[] lineAndColumn(String text, int index) {
        int line = 1;
        int column = 1;
        int i = 0;
        for (int cp = 0; cp < index && i < text.length(); cp++) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }

    private static Settings settings(YamlNode node, Path configDir, PortRegistry ports) throws ConfigException {
        Settings defaults = Settings.defaultsFor(configDir);
        if (node.isNull()) { // "rolld:" with every line commented out
            return defaults;
        }
        String what = "the '" + Settings.KEY + "' settings";
        YamlMap map = node.map(what).allowOnly(SETTINGS_KEYS);
        return new Settings(
                map.get("control_socket", n -> n.path("'control_socket' in " + what, configDir), defaults.controlSocket()),
                map.get("pid_file", n -> n.path("'pid_file' in " + what, configDir), defaults.pidFile()),
                map.get("state_file", n -> n.path("'state_file' in " + what, configDir), defaults.stateFile()),
                map.get("log_format", n -> logFormat(n, what), defaults.logFormat()),
                HttpListenerParser.parse(map, what, ports),
                LogRotationParser.parse(map, what, Optional.empty()));
    }

    private static Settings.LogFormat logFormat(YamlNode node, String settings) throws ConfigException {
        String format = node.text("'log_format' in " + settings);
        return switch (format) {
            case "text" -> Settings.LogFormat.TEXT;
            case "json" -> Settings.LogFormat.JSON;
            default -> throw node.error("unknown log_format '" + format + "' in " + settings + " (hint: one of text, json)");
        };
    }
}
