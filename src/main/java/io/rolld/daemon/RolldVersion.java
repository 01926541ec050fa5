package io.rolld.daemon;

/**
 * The version of the build running: {@code Implementation-Version} of the jar's manifest, which
 * the build writes from the pom. A build not run from its jar (an IDE, the unit tests) says {@code dev}.
 */
public final class RolldVersion {
    private RolldVersion() {
    }

    public static String current() {
        String version = RolldVersion.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }
}
