package io.rolld.front;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import io.rolld.config.Hook;
import io.rolld.os.AtomicFile;
import io.rolld.os.ShellCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One attempt to point the front at a new workset: runs the {@code after_start} hooks in order,
 * keeping what each replaced file held before, so that {@link #undo()} can put the front back.
 */
public final class FrontSwitch implements Front {
    private final List<Hook> hooks;
    private final Path directory;
    private final Duration hookTimeout;
    /** The files this switch wrote, with their previous content (empty: the file did not exist). */
    private final Map<Path, Optional<byte[]>> replaced = new LinkedHashMap<>();
    /** Set once the first hook runs: from then on the front may differ from before. */
    private boolean begun;

    /**
     * @param directory where {@code run_proc} commands run: the directory of rolld.yml
     */
    public FrontSwitch(List<Hook> hooks, Path directory, Duration hookTimeout) {
        this.hooks = List.copyOf(hooks);
        this.directory = directory;
        this.hookTimeout = hookTimeout;
    }

    @Override
    public void apply(FrontContext context) throws FrontException {
        begun = true;
        for (Hook hook : hooks) {
            switch (hook) {
                case Hook.ReplaceFile r -> replace(r, context);
                case Hook.RunProc p -> runChecked(p.command());
            }
        }
    }

    /**
     * Restores every file this switch replaced, byte for byte, then runs the {@code run_proc}
     * hooks again so the front reloads the old configuration. Returns what could not be undone.
     */
    @Override
    public List<String> undo() {
        if (!begun) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        replaced.forEach((target, previous) -> {
            try {
                if (previous.isPresent()) {
                    AtomicFile.write(target, previous.get());
                } else {
                    Files.deleteIfExists(target);
                }
            } catch (IOException e) {
                problems.add("could not restore " + target + ": " + e);
            }
        });
        for (Hook hook : hooks) {
            if (hook instanceof Hook.RunProc p) {
                try {
                    ShellCommand.Result result = ShellCommand.run(p.command(), directory, hookTimeout);
                    if (!result.succeeded()) {
                        problems.add(result.describe());
                    }
                } catch (IOException e) {
                    problems.add("could not run '" + p.command() + "': " + e);
                }
            }
        }
        return problems;
    }

    private void replace(Hook.ReplaceFile hook, FrontContext context) throws FrontException {
        String rendered;
        try {
            String template = Files.readString(hook.template(), StandardCharsets.UTF_8);
            rendered = Mustache.compiler().escapeHTML(false).compile(template).execute(context.asTemplateScope());
        } catch (IOException e) {
            throw new FrontException("cannot read template " + hook.template() + ": " + e.getMessage(), e);
        } catch (MustacheException e) {
            throw new FrontException("cannot render template " + hook.template() + ": " + e.getMessage(), e);
        }
        try {
            if (!replaced.containsKey(hook.target())) {
                replaced.put(hook.target(), AtomicFile.read(hook.target()));
            }
            AtomicFile.write(hook.target(), rendered.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FrontException("cannot write " + hook.target() + ": " + e, e);
        }
    }

    private void runChecked(String command) throws FrontException {
        ShellCommand.Result result;
        try {
            result = ShellCommand.run(command, directory, hookTimeout);
        } catch (IOException e) {
            throw new FrontException("cannot run '" + command + "': " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
            throw new FrontException("after_start " + result.describe());
        }
    }
}
