package io.rolld.config;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a group's {@code after_start} list. Templates are read and compiled here so that a typo
 * in one is reported when rolld.yml is loaded, not halfway through a rollout.
 */
final class HookParser {
    static final List<String> KINDS = List.of("replace_file", "run_proc");
    static final String HINT_PATHS = " (hint: relative paths start at the directory of rolld.yml)";

    private final Path configDir;

    HookParser(Path configDir) {
        this.configDir = configDir;
    }

    List<Hook> parse(YamlNode node, String group) throws ConfigException {
        List<Hook> hooks = new ArrayList<>();
        List<YamlNode> items = node.list("'after_start' in " + group);
        for (int i = 0; i < items.size(); i++) {
            YamlMap.Entry hook = items.get(i).map("after_start item " + (i + 1) + " of " + group).allowOnly(KINDS).single();
            String what = "'" + hook.name() + "' in after_start of " + group;
            hooks.add(switch (hook.name()) {
                case "replace_file" -> replaceFile(hook.value(), what);
                default -> runProc(hook.value(), what);
            });
        }
        return hooks;
    }

    /** {@code [numprocs, TEMPLATE, TARGET]} as in the original format, or the shorter {@code [TEMPLATE, TARGET]}. */
    private Hook.ReplaceFile replaceFile(YamlNode node, String what) throws ConfigException {
        if (!node.isList()) {
            throw node.mismatch("a list [numprocs, TEMPLATE, TARGET]", what);
        }
        List<YamlNode> args = node.list(what);
        if (args.size() == 3) {
            if (!args.getFirst().isWord(SmokeTestParser.NUMPROCS)) {
                throw args.getFirst().error("the first element of " + what + " must be the bare word 'numprocs', found "
                        + args.getFirst().describe() + " (hint: the template is always rendered for the workset being started)");
            }
            args = args.subList(1, 3);
        } else if (args.size() != 2) {
            throw node.error(what + " takes [numprocs, TEMPLATE, TARGET] or [TEMPLATE, TARGET], found a list of " + args.size()
                    + " item" + (args.size() == 1 ? "" : "s"));
        }
        return new Hook.ReplaceFile(template(args.get(0), what), target(args.get(1), what));
    }

    private Path template(YamlNode node, String what) throws ConfigException {
        Path template = node.path("the template of " + what, configDir);
        String name = "template '" + node.text(what) + "' for " + what;
        if (!Files.exists(template)) {
            throw node.error(name + " does not exist" + HINT_PATHS);
        }
        if (!Files.isRegularFile(template)) {
            throw node.error(name + " is not a file");
        }
        String text;
        try {
            text = Files.readString(template);
        } catch (IOException e) {
            throw new ConfigException(node.file(), node.line(), node.column(), name + " cannot be read: " + e.getMessage(), e);
        }
        try {
            Mustache.compiler().compile(text);
        } catch (MustacheException e) {
            throw new ConfigException(node.file(), node.line(), node.column(), name + " is not valid Mustache: " + e.getMessage(), e);
        }
        return template;
    }

    /** The file is (re)written at every rollout; its directory must exist already, like for nginx's own files. */
    private Path target(YamlNode node, String what) throws ConfigException {
        Path target = node.path("the target of " + what, configDir);
        if (!Files.isDirectory(target.getParent())) {
            Path written = Path.of(node.text(what)).getParent();
            throw node.error("the directory '" + written + "' of target '" + node.text(what) + "' for " + what + " does not exist" + HINT_PATHS);
        }
        return target;
    }

    /** A command for {@code /bin/sh -c}; a one-element list is accepted because the original format wrapped scalars in lists. */
    private static Hook.RunProc runProc(YamlNode node, String what) throws ConfigException {
        YamlNode command = node;
        if (node.isList()) {
            List<YamlNode> items = node.list(what);
            if (items.size() != 1) {
                throw node.error("expected a command string for " + what + ", found a list of " + items.size() + " items");
            }
            command = items.getFirst();
        }
        String text = command.text(what);
        if (text.isBlank()) {
            throw command.error(what + " is empty (hint: a shell command, e.g. 'nginx -s reload')");
        }
        return new Hook.RunProc(text);
    }
}
