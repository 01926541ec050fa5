package io.rolld.process;

import io.rolld.config.ShellWords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one generation runs: its working directory with every symlink resolved (so a {@code current}
 * link swapped later does not change what it runs, and {@code /proc/PID/cwd} names the release), its
 * command with the program's path resolved the same way, and its environment (the group's {@code env}
 * plus the envdir as read when the rollout started). Values of {@code env} may be secrets: rolld
 * keeps them in a file only its user can read and never logs or shows them.
 *
 * @param cmd the command line as in rolld.yml ({@code {numproc}} not expanded), split like a shell would
 */
public record Release(Path directory, String cmd, Map<String, String> env) {
    public Release {
        env = Map.copyOf(env);
    }

    /**
     * Resolves {@code directory} and, when the program of {@code cmd} is a path (it has a slash), that
     * path relative to the directory. A program that does not exist is left as written: spawning it
     * fails with its own error.
     */
    public static Release resolve(Path directory, String cmd, Map<String, String> env) throws IOException {
        Path real = directory.toRealPath();
        return new Release(real, resolveProgram(real, cmd), env);
    }

    private static String resolveProgram(Path directory, String cmd) throws IOException {
        List<String> words = ShellWords.split(cmd);
        String program = words.isEmpty() ? "" : words.getFirst();
        if (!program.contains("/") || program.contains("{")) {
            return cmd;
        }
        Path path = directory.resolve(program);
        if (!Files.exists(path)) {
            return cmd;
        }
        String resolved = path.toRealPath().toString();
        if (resolved.equals(program)) {
            return cmd;
        }
        List<String> argv = new ArrayList<>(words);
        argv.set(0, resolved);
        return argv.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }
}
