package io.rolld.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class NicenessTest {
    @Test
    void setGroup_ofAProcessGroup_reachesTheLeaderAndTheChildItForked_andComesBackWhereAllowed() throws Exception {
        int own = Niceness.own();
        Assumptions.assumeTrue(own <= 14, "rolld's tests run at nice " + own + ": no room to lower the priority");
        // setsid: the shell leads a process group of its own (never the JVM's), with a forked child in it.
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 30 & exec sleep 30").start();
        try {
            long child = awaitChild(leader);

            assertEquals(true, Niceness.setGroup(leader.pid(), own + 5));
            assertEquals(OptionalInt.of(own + 5), Niceness.of(leader.pid()));
            assertEquals(OptionalInt.of(own + 5), Niceness.of(child));

            Assumptions.assumeTrue(Niceness.mayLowerTo(own), "setting it back needs CAP_SYS_NICE or RLIMIT_NICE");
            assertEquals(true, Niceness.setGroup(leader.pid(), own));
            assertEquals(OptionalInt.of(own), Niceness.of(leader.pid()));
            assertEquals(OptionalInt.of(own), Niceness.of(child));
        } finally {
            leader.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            leader.destroyForcibly();
            leader.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void setGroup_ofAGroupThatIsGone_isFalse() {
        assertFalse(Niceness.setGroup(90_000_001, 10), "a pid above any pid_max");
    }

    private static long awaitChild(Process leader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> children = leader.toHandle().children().toList();
            if (!children.isEmpty()) {
                return children.getFirst().pid();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the shell did not fork in time");
    }
}
