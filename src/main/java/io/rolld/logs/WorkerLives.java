package io.rolld.logs;

import io.rolld.rollout.RolloutEvent;
import java.time.Instant;
import java.util.ArrayList;
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

    private final Map<String, List<Life>> byGroup = new LinkedHashMap<>(); // guarded by this

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
        return List.copyOf(byGroup.getOrDefault(group, List.of()));
    }

    private synchronized void started(String group, int slot, int port, long pid, long generation, Instant at) {
        List<Life> lives = byGroup.computeIfAbsent(group, g -> new ArrayList<>());
        lives.removeIf(l -> l.pid() == pid);
        lives.add(new Life(slot, port, pid, generation, at, Optional.empty()));
    }

    private synchronized void ended(String group, long pid) {
        List<Life> lives = byGroup.get(group);
        if (lives == null) {
            return;
        }
        lives.replaceAll(l -> l.pid() == pid && l.ended().isEmpty()
                ? new Life(l.slot(), l.port(), l.pid(), l.generation(), l.started(), Optional.of(Instant.now())) : l);
        long ended = lives.stream().filter(l -> l.ended().isPresent()).count();
        for (int i = 0; i < lives.size() && ended > ENDED_KEPT; ) {
            if (lives.get(i).ended().isPresent()) {
                lives.remove(i);
                ended--;
            } else {
                i++;
            }
        }
    }
}
