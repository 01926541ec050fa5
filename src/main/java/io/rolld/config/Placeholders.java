package io.rolld.config;

/** Expands the {@code {numproc}} placeholder of {@code cmd}, {@code stdout} and {@code stderr}. */
public final class Placeholders {
    private Placeholders() {
    }

    public static String expand(String template, int port) {
        return template.replace("{numproc}", Integer.toString(port));
    }
}
