package io.rolld.daemon;

/** The version of the running build, from its jar's manifest ({@code Implementation-Version}). */
public final class BuildVersion {
    private BuildVersion() {
    }

    /** "0.1.0-SNAPSHOT"; "dev" when rolld runs from classes outside its jar, as on /metrics. */
    public static String current() {
        String v = Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
