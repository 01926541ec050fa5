package io.rolld.daemon;

/** The version of the running build, from its jar's manifest ({@code Implementation-Version}). */
final class BuildVersion {
    private BuildVersion() {
    }

    /** "0.1.0-SNAPSHOT"; "unknown" when rolld runs from classes outside its jar (tests). */
    static String current() {
        String v = Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
