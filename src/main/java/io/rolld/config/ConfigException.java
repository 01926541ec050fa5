package io.rolld.config;

/**
 * A rolld.yml that cannot be used, with the place to fix it. {@link #getMessage()} reads
 * {@code FILE:LINE:COLUMN: PROBLEM}, compiler style, so editors and CI logs can jump to it.
 * Line and column are 1-based; both are 0 when the whole file is at fault (it cannot be read),
 * and the message is then {@code FILE: PROBLEM}.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final int column;

    public ConfigException(String file, int line, int column, String problem) {
        this(file, line, column, problem, null);
    }

    public ConfigException(String file, int line, int column, String problem, Throwable cause) {
        super(format(file, line, column, problem), cause);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    private static String format(String file, int line, int column, String problem) {
        return line == 0 ? file + ": " + problem : file + ":" + line + ":" + column + ": " + problem;
    }

    /** The configuration file as the user named it. */
    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
