package io.rolld.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An environment directory in daemontools' layout: each regular file names a variable, its first
 * line is the value (trailing spaces and tabs removed, NUL bytes read as newlines). An empty file
 * removes the variable from what rolld would otherwise add. Read again for every rollout, so a
 * deploy can change the workers' environment without touching rolld.yml.
 */
public final class Envdir {
    private Envdir() {
    }

    /** {@code base} overlaid with the directory's variables; hidden files (a leading dot) are skipped. */
    public static Map<String, String> overlay(Map<String, String> base, Path dir) throws IOException {
        Map<String, String> env = new HashMap<>(base);
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.contains("=")) {
                throw new IOException("envdir " + dir + ": file name '" + name + "' cannot be a variable name (contains '=')");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                env.remove(name);
            } else {
                env.put(name, firstLine(new String(bytes, StandardCharsets.UTF_8)));
            }
        }
        return env;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.replace('\0', '\n').replaceAll("[ \t]+$", "");
    }
}
