package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.control.Request;
import io.rolld.process.Release;
import io.rolld.rollout.Phase;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationHistoryTest {
    @TempDir
    Path dir;

    private static final Release ONE = new Release(Path.of("/srv/app/releases/1"), "bin/server", Map.of("SECRET", "s1"));
    private static final Release TWO = new Release(Path.of("/srv/app/releases/2"), "bin/server", Map.of("SECRET", "s2"));

    private GenerationHistory history() {
        return new GenerationHistory(dir.resolve("history"), Clock.systemUTC());
    }

    private static void rollout(GenerationHistory h, long generation, String trigger, Release release, boolean succeeds) {
        h.accept(new RolloutEvent.Started("app", generation, trigger));
        h.accept(new RolloutEvent.ReleaseResolved("app", generation, release));
        h.accept(new RolloutEvent.Finished(succeeds
                ? new RolloutResult.Succeeded("app", generation, List.of(8001), List.of(42L), List.of(), 900)
                : new RolloutResult.Failed("app", generation, Phase.CHECKING, "smoke test failed", "", 2000), Instant.EPOCH));
    }

    @Test
    void rollbackTarget_isTheLatestEarlierSuccessWithAnotherRelease_orTheOneNamed() throws Exception {
        GenerationHistory h = history();
        rollout(h, 1, "first start", ONE, true);
        rollout(h, 2, "HUP", TWO, false);
        rollout(h, 2, "HUP", TWO, true);
        rollout(h, 3, "memory: port 8001", TWO, true);

        assertEquals(ONE, h.rollbackTarget("app", 3, new Request.Rollback.Target.Previous()).release().orElseThrow(),
                "generation 2 ran the same release as the serving 3");
        assertEquals(2, h.rollbackTarget("app", 3, new Request.Rollback.Target.Generation(2)).generation());
        assertEquals(3, h.rollbackTarget("app", 1, new Request.Rollback.Target.ReleaseDirectory(TWO.directory())).generation());
        assertThrows(GenerationHistory.NoTarget.class, () -> h.rollbackTarget("app", 1, new Request.Rollback.Target.Previous()));
        assertThrows(GenerationHistory.NoTarget.class, () -> h.rollbackTarget("app", 3, new Request.Rollback.Target.Generation(9)));
        assertThrows(GenerationHistory.NoTarget.class,
                () -> h.rollbackTarget("app", 3, new Request.Rollback.Target.ReleaseDirectory(Path.of("/srv/app/releases/9"))));
    }

    @Test
    void history_isWrittenPrivately_andReadBackByTheNextRolld_anUnfinishedRolloutAsInterrupted() throws Exception {
        GenerationHistory h = history();
        rollout(h, 1, "first start", ONE, true);
        rollout(h, 2, "HUP", TWO, false);
        h.accept(new RolloutEvent.Started("app", 2, "HUP"));
        h.accept(new RolloutEvent.ReleaseResolved("app", 2, TWO));
        h.close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("history"))));

        GenerationHistory next = history();
        next.load();
        List<GenerationRecord> records = next.last(Optional.of("app"), 10);
        assertEquals(List.of("succeeded", "rolled_back", "interrupted"), records.stream().map(GenerationRecord::result).toList());
        assertEquals("smoke test failed", records.get(1).reason());
        assertEquals(Optional.of(ONE), next.succeeded("app", 1).flatMap(GenerationRecord::release));
        assertTrue(records.stream().noneMatch(r -> r.shown().toString().contains("s1")), "values are never shown");

        next.accept(new RolloutEvent.Reconciled("app", Phase.SWITCHING, 1, 2, 2, "finished forward"));
        assertEquals("succeeded", next.last(Optional.of("app"), 1).getFirst().result());
    }
}
