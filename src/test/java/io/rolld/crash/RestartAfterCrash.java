package io.rolld.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Rolld;
import io.rolld.testing.RolldStatus;
import io.rolld.testing.SubreapedRolld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The second half of every case of the crash matrix: rolld, killed in {@code state}, is started
 * again on the same rolld.yml; the service must become whole, the next HUP must roll normally, and
 * no request of the load may fail over the whole run.
 */
final class RestartAfterCrash {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final Duration GONE = Duration.ofSeconds(30);

    /** Waits until the service is whole (as a mode sees it), given every app.py process that runs; returns that status. */
    interface Whole {
        RolldStatus await(Supplier<Collection<ProcessHandle>> apps);
    }

    private RestartAfterCrash() {
    }

    /**
     * {@code killed} ran the first rolld (its output from line {@code from} on is the rollout it died
     * in); {@code old} are the pids of the generation that served before that rollout.
     */
    static void check(String name, SubreapedRolld killed, int from, String state, Path yml, HttpLoad load, Collection<Long> old,
            Whole whole) throws Exception {
        List<String> lines = killed.output().lines();
        assertEquals(state, Transitions.lastState(lines.subList(from, lines.size()), 2),
                "rolld was killed in " + state + ":\n" + killed.output().tail());
        load.awaitCompleted(load.report().requests() + 200, LONG); // the workers serve without any rolld

        try (Rolld next = Rolld.start(yml)) {
            Supplier<Collection<ProcessHandle>> apps = () -> {
                List<ProcessHandle> all = new ArrayList<>(killed.processes("app.py"));
                all.addAll(WholeService.apps(next.descendants()));
                return all;
            };
            WholeService.underLoad(load, () -> {
                next.awaitLine("event=ready ", LONG);
                RolldStatus restarted = whole.await(apps);
                load.awaitCompleted(load.report().requests() + 200, LONG);

                Deployment.Outcome rolled = WholeService.rollNormally(next, yml);
                assertEquals(restarted.pids(WholeService.GROUP).stream().sorted().toList(), rolled.oldPids().stream().sorted().toList(),
                        rolled.line());
                ProcessAssertions.assertGone(rolled.oldPids(), GONE);
                ProcessAssertions.assertGone(old, GONE);
                whole.await(apps);
                load.awaitCompleted(load.report().requests() + 200, LONG);
            });
            HttpLoadReport report = load.stop();
            System.out.println(name + ": " + report);
            assertEquals(0, report.non2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }
}
