package io.rolld.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * rolld's own settings: the reserved top-level key {@code rolld:}. Paths are absolute,
 * resolved against the directory of rolld.yml; the defaults live in {@code .rolld/} beside it.
 * {@code http} is off unless set, and so is {@code logs}: the rotation every group's worker files
 * get unless the group sets its own, and rolld's own {@code --log-file} too.
 */
public record Settings(Path controlSocket, Path pidFile, Path stateFile, LogFormat logFormat, Optional<HttpListener> http,
                       Optional<LogRotation> logs) {

    /** The reserved top-level key; every other top-level key is a group. */
    public static final String KEY = "rolld";

    public static Settings defaultsFor(Path configDir) {
        Path dir = configDir.resolve(".rolld");
        return new Settings(dir.resolve("rolld.sock"), dir.resolve("rolld.pid"), dir.resolve("state.json"), LogFormat.TEXT, Optional.empty(),
                Optional.empty());
    }

    public enum LogFormat { TEXT, JSON }
}
