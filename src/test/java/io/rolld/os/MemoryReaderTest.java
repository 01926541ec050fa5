package io.rolld.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.Supervision.Metric;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class MemoryReaderTest {
    private static final MemoryReader FIXTURE = new MemoryReader(Path.of("src/test/resources/proc"));

    @Test
    void rss_readsTheResidentPagesOfStatm() {
        assertEquals(OptionalLong.of(5401L * ResidentMemory.PAGE_SIZE), FIXTURE.rss(4242)); // 21604 kB in status, with 4 KiB pages
    }

    @Test
    void rss_ofThisJvm_isItsVmRss() throws Exception {
        long vmRss = MemoryReader.kilobyteFields(Path.of("/proc/self/status")).get("VmRSS") * 1024;
        long rss = MemoryReader.system().rss(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(Math.abs(rss - vmRss) < 16L << 20, rss + " against VmRSS " + vmRss); // read a moment apart
    }

    @Test
    void smaps_pss_readsPssFromSmapsRollup() {
        assertEquals(OptionalLong.of(8275L * 1024), FIXTURE.smaps(4242, Metric.PSS));
    }

    @Test
    void smaps_uss_isPrivateCleanPlusPrivateDirtyPlusSwap() {
        assertEquals(OptionalLong.of((48L + 7120 + 100) * 1024), FIXTURE.smaps(4242, Metric.USS));
    }

    @Test
    void rssAndSmaps_whenTheProcessIsGone_areEmpty() {
        assertFalse(FIXTURE.rss(999_999).isPresent());
        assertFalse(FIXTURE.smaps(999_999, Metric.PSS).isPresent());
    }

    @Test
    void kilobyteFields_skipsLinesThatAreNotKilobyteCounts() {
        var fields = MemoryReader.kilobyteFields(Path.of("src/test/resources/proc/4242/status"));

        assertEquals(21604L, fields.get("VmRSS"));
        assertFalse(fields.containsKey("Name"));
        assertFalse(fields.containsKey("Threads"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void tree_ofThisJvm_readsRealProc_andSkipsSmapsBelowTheThreshold() {
        MemoryReader real = MemoryReader.system();
        ProcessHandle self = ProcessHandle.current();

        MemoryReader.Usage cheap = real.tree(self, Metric.PSS, Long.MAX_VALUE);
        MemoryReader.Usage exact = real.tree(self, Metric.PSS, 0);

        assertTrue(cheap.rssBytes() > 0);
        assertFalse(cheap.exact(), "below the threshold smaps_rollup is not read");
        assertEquals(cheap.rssBytes(), cheap.bytes());
        assertTrue(exact.exact());
        assertTrue(exact.bytes() > 0 && exact.bytes() <= exact.rssBytes() * 2, exact.toString());
    }
}
