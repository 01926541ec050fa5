package io.rolld.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.util.jar.Manifest;

/**
 * The version of the running build and the git commit it was built from, from its jar's manifest
 * ({@code Implementation-Version}, {@code Rolld-Commit}; scripts/package stamps both into the jar it packages).
 */
public final class BuildVersion {
    private static final String COMMIT_ATTRIBUTE = "Rolld-Commit";

    private BuildVersion() {
    }

    /** "0.1.0-SNAPSHOT"; "dev" when rolld runs from classes outside its jar, as on /metrics. */
    public static String current() {
        String v = Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** {@code rolld --version}: "rolld VERSION (commit COMMIT)"; a re-exec reads the version back with {@link #fromVersionLine}. */
    public static String versionLine() {
        return "rolld " + current() + " (commit " + commit() + ")";
    }

    /** The version in a {@link #versionLine()}, or the whole (stripped) text when it is not one. */
    public static String fromVersionLine(String line) {
        String v = line.strip();
        v = v.startsWith("rolld ") ? v.substring("rolld ".length()) : v;
        int commit = v.indexOf(" (commit ");
        return commit < 0 ? v : v.substring(0, commit);
    }

    /** The commit scripts/package built from ("unknown" in a build that did not say, such as a plain mvn package). */
    static String commit() {
        try (InputStream in = Daemon.class.getClassLoader().getResourceAsStream("META-INF/MANIFEST.MF")) {
            if (in != null) {
                String c = new Manifest(in).getMainAttributes().getValue(COMMIT_ATTRIBUTE);
                if (c != null && !c.isBlank()) {
                    return c;
                }
            }
        } catch (IOException e) {
            // no manifest to read: the commit is unknown
        }
        return "unknown";
    }
}
