package io.rolld.logs;

import io.rolld.rollout.RolloutEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * When each worker of each group started and ended, from the groups' events: what {@code rolld
 * logs} needs to tell which process wrote a line of a file that successive workers of a slot
 * share. The last {@link #ENDED_KEPT} ended workers of a group are kept beside the live ones.
 */
public final class WorkerLives implements Consumer<RolloutEvent> {
    static final int ENDED_KEPT = 32;

    /** One worker: {@code slot} is its port, or its worker number with held sockets. */
    public record Life(int slot, int port, long pid, long generation, Instant started, Optional<Instant> ended) {
    }

    /**
     * One group's lives: by pid in the order they started (a pid reused by a later worker moves to
     * the end), and the ended ones in the order they ended. Each event costs O(1), however many
     * workers the group has.
     */
    private static final class Lives {
        final LinkedHashMap<Long, Life> byPid = new LinkedHashMap<>();
        final ArrayDeque<Life> ended = new ArrayDeque<>();
    }

    private final Map<String, Lives> byGroup = new LinkedHashMap<>(); // guarded by this

    @Override
    public void accept(RolloutEvent event) {
        switch (event) {
            case RolloutEvent.WorkerStarted w -> started(w.group(), w.slot(), w.port(), w.pid(), w.generation(), Instant.now());
            case RolloutEvent.WorkerRespawned w -> started(w.group(), w.slot(), w.port(), w.pid(), w.generation(), Instant.now());
            // An adopted worker started under a previous rolld: its lines before this one started are its own too.
            case RolloutEvent.WorkerAdopted w -> started(w.group(), w.slot(), w.port(), w.pid(), w.generation(),
                    ProcessHandle.of(w.pid()).flatMap(p -> p.info().startInstant()).orElse(Instant.now()));
            case RolloutEvent.WorkerStopped w -> ended(w.group(), w.pid());
            case RolloutEvent.WorkerCrashed w -> ended(w.group(), w.pid());
            case RolloutEvent.WorkerRefused w -> ended(w.group(), w.pid());
            default -> {
            }
        }
    }

    /** The group's workers, live and recently ended, in the order they started. */
    public synchronized List<Life> of(String group) {
        Lives lives = byGroup.get(group);
        return lives == null ? List.of() : List.copyOf(lives.byPid.values());
    }

    private synchronized void started(String group, int slot, int port, long pid, long generation, Instant at) {
        Lives lives = byGroup.computeIfAbsent(group, g -> new Lives());
        Life before = lives.byPid.remove(pid);
        if (before != null && before.ended().isPresent()) {
            lives.ended.removeFirstOccurrence(before);
        }
        lives.byPid.put(pid, new Life(slot, port, pid, generation, at, Optional.empty()));
    }

    private synchronized void ended(String group, long pid) {
        Lives lives = byGroup.get(group);
        Life l = lives == null ? null : lives.byPid.get(pid);
        if (l == null || l.ended().isPresent()) {
            return;
        }
        Life ended = new Life(l.slot(), l.port(), l.pid(), l.generation(), l.started(), Optional.of(Instant.now()));
        lives.byPid.put(pid, ended); // an existing key keeps its place
        lives.ended.addLast(ended);
        while (lives.ended.size() > ENDED_KEPT) {
            Life oldest = lives.ended.removeFirst();
            lives.byPid.remove(oldest.pid(), oldest);
        }
    }
}
