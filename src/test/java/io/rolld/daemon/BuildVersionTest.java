package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BuildVersionTest {
    @Test
    void fromVersionLine_readsTheVersionOfAPackagedBuildAnOlderBuildAndAnythingElseWhole() {
        assertEquals("1.2.0~dev.218", BuildVersion.fromVersionLine("rolld 1.2.0~dev.218 (commit 560f1e188610-dirty)\n"));
        assertEquals("0.1.0-SNAPSHOT", BuildVersion.fromVersionLine("rolld 0.1.0-SNAPSHOT\n"));
        assertEquals("something else", BuildVersion.fromVersionLine("  something else "));
    }

    @Test
    void versionLine_namesTheCommit_unknownOutsideAStampedJar() {
        assertEquals("rolld " + BuildVersion.current() + " (commit " + BuildVersion.commit() + ")", BuildVersion.versionLine());
    }
}
