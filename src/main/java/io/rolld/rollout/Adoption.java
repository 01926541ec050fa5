package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.process.Release;
import io.rolld.config.HeldSocketConfig;
import io.rolld.config.HeldSockets;
import io.rolld.config.Worksets;
import io.rolld.drain.Drain;
import io.rolld.front.FrontContext;
import io.rolld.front.FrontException;
import io.rolld.os.Exit;
import io.rolld.os.HeldSocketRecovery;
import io.rolld.os.HeldSocketSet;
import io.rolld.os.HeldSocketHandover;
import io.rolld.os.HeldSocket;
import io.rolld.os.OpenFiles;
import io.rolld.config.PosixSignal;
import io.rolld.os.ProcessEnvironments;
import io.rolld.os.ProcessStartTime;
import io.rolld.probe.Readiness;
import io.rolld.process.Worker;
import io.rolld.process.WorkerRecord;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Takes over the workers a previous rolld left running when it died (SIGKILL, the OOM killer, a
 * crash), so that a group starts from the set that serves instead of being restarted: nothing is
 * stopped or started and the front is not touched. A leftover is adopted when it is still the
 * recorded process (pid and kernel start time; a pidfd pins it from then on), belongs to the
 * generation that was serving, and passes the group's readiness rule again: its smoke tests on its
 * port in load-balancer mode; in held-socket mode, holding the group's sockets, which rolld takes
 * back from the first such worker ({@code pidfd_getfd}, checked with getsockname) and holds again.
 *
 * <p>A leftover that does not verify is stopped if it is still the recorded process, never
 * signalled otherwise; the supervisor respawns its slot. When none verifies, the caller runs the
 * group's first start. Runs on the group's thread, before anything else.
 */
final class Adoption {
    /** A leftover served a moment ago: it gets this long (at most ready_timeout) to pass its smoke tests. */
    private static final Duration SMOKE_TEST_TIMEOUT = Duration.ofSeconds(5);

    /** The adopted set, the specs its slots are respawned from, and the slots left empty. */
    record Adopted(WorkerSet active, WorkerSpecs specs, Map<Integer, Worker> bySlot, List<Integer> emptySlots) {
    }

    /** A leftover that is still the recorded process. */
    private record Candidate(WorkerRecord record, Worker worker) {
    }

    private final GroupConfig config;
    private final HeldSocketKeeper hold;
    private final Consumer<RolloutEvent> events;
    private final ProcessStartTime starts = ProcessStartTime.system();
    private final Map<Candidate, String> refused = new LinkedHashMap<>();

    private final Host host;

    /** {@code host}: the front to apply again and the ports to drain when a rollout was interrupted. */
    Adoption(GroupConfig config, HeldSocketKeeper hold, Consumer<RolloutEvent> events, Host host) {
        this.host = host;
        this.config = config;
        this.hold = hold;
        this.events = events;
    }

    /**
     * Adopts what verifies of {@code left}; empty when nothing does (then every leftover that was
     * ours is stopped). Interrupted (rolld shutting down), the leftovers not verified yet are
     * stopped like refused ones, so a TERM right after start still leaves nothing behind.
     *
     * <p>When the previous rolld died in the middle of a rollout, its recorded {@link Intent} says
     * which generations to try, in order ({@link Reconcile}); the first whose workers verify is
     * adopted, the front is applied again for it where it may list the other set, and the other
     * set's workers drain and stop. The intent is then cleared.
     */
    Optional<Adopted> adopt(Leftovers recorded) {
        Reconcile plan = Reconcile.of(recorded);
        List<WorkerRecord> unrecorded = host.tag().unrecorded(config, recorded.workers(), ProcessEnvironments.system(), starts);
        List<WorkerRecord> all = new ArrayList<>(recorded.workers());
        all.addAll(unrecorded);
        Leftovers left = new Leftovers(recorded.activeGeneration(), all, recorded.intent(), recorded.releases());
        List<Candidate> candidates = new ArrayList<>();
        for (WorkerRecord r : left.workers()) {
            Optional<Worker> w = Worker.adopt(r.port(), r.pid(), r.startTime(), WorkerSpecs.stderrOf(config, r.slot()));
            if (w.isEmpty()) {
                events.accept(new RolloutEvent.WorkerRefused(config.name(), r.generation(), r.slot(), r.port(), r.pid(),
                        notRunning(r), "none: not signalled, it is not the process rolld started"));
            } else {
                candidates.add(new Candidate(r, w.get()));
            }
        }
        Optional<HeldSocketSet> sockets = switch (config.mode()) {
            case HeldSockets held -> candidates.isEmpty() ? Optional.empty() : takeSocketsBack(candidates, held);
            case Worksets w -> Optional.empty();
        };
        long generation = 0;
        Map<Candidate, String> verified = new LinkedHashMap<>();
        for (long tried : plan.generations()) {
            List<Candidate> ofIt = new ArrayList<>();
            for (Candidate c : candidates) {
                if (c.record().generation() == tried && !refused.containsKey(c)) {
                    misfit(c.record(), tried).ifPresentOrElse(reason -> refused.put(c, reason), () -> ofIt.add(c));
                }
            }
            verified = switch (config.mode()) {
                case HeldSockets held -> holdingSockets(ofIt, sockets);
                case Worksets w -> passingSmokeTests(ofIt);
            };
            if (!verified.isEmpty()) {
                generation = tried;
                break;
            }
        }
        long serving = generation;
        for (Candidate c : candidates) {
            if (!verified.containsKey(c) && !refused.containsKey(c)) {
                refused.put(c, plan.generations().isEmpty() ? "no generation had finished its first start when the previous rolld died"
                        : "generation " + c.record().generation() + " was not adopted" + (serving > 0 ? " (generation " + serving + " was)" : ""));
            }
        }
        Optional<WorkerSpecs> specs = Optional.empty();
        if (!verified.isEmpty()) {
            try {
                specs = Optional.of(specsOf(left.releases().get(serving), slots(sockets)));
            } catch (IOException e) {
                verified.keySet().forEach(c -> refused.put(c, "cannot respawn its slot later: " + e.getMessage()));
                verified.clear();
                serving = 0;
            }
        }
        if (left.intent().isPresent()) {
            reconcile(left.intent().get(), plan, serving, verified, unrecorded);
        }
        stopRefused(serving);
        if (verified.isEmpty()) {
            sockets.ifPresent(HeldSocketSet::close);
            events.accept(new RolloutEvent.GroupAdopted(config.name(), serving, 0, left.workers().size(), List.of(),
                    "first start: no leftover verified"));
            return Optional.empty();
        }
        sockets.ifPresent(hold::hold);
        return Optional.of(adopted(serving, left, specs.orElseThrow(), verified));
    }

    /**
     * What the adopted generation's respawns start from: its own release when rolld's history has it
     * and it is still there, else the configuration as it is now.
     */
    private WorkerSpecs specsOf(Release ran, Slots slots) throws IOException {
        if (ran != null) {
            try {
                return WorkerSpecs.load(config.pinnedTo(ran.directory(), ran.cmd(), ran.env()), slots, host.spawner());
            } catch (IOException e) {
                // its release directory is gone: the configuration's is the best there is
            }
        }
        return WorkerSpecs.load(config, slots, host.spawner());
    }

    /**
     * The rollout the previous rolld died in: the front is applied again for {@code serving} where
     * it may list the other set, the other set's ports drain (they may still have the front's
     * connections), one line says what was decided, and the intent is cleared.
     */
    private void reconcile(Intent intent, Reconcile plan, long serving, Map<Candidate, String> verified, List<WorkerRecord> unrecorded) {
        List<String> done = new ArrayList<>();
        if (!unrecorded.isEmpty()) {
            done.add("found " + unrecorded.size() + " unrecorded worker" + (unrecorded.size() == 1 ? "" : "s") + " by "
                    + WorkerTag.VARIABLE + " (pids " + unrecorded.stream().map(WorkerRecord::pid).toList() + ")");
        }
        if (serving > 0 && plan.frontMayList(intent, serving)) {
            long other = serving == intent.to() ? intent.from() : intent.to();
            FrontContext context = new FrontContext(config.name(), serving, portsOf(serving, verified), other > 0 ? portsOf(other, Map.of()) : List.of(),
                    verified.keySet().stream().map(c -> new FrontContext.WorkerRef(c.record().port(), c.record().pid())).toList());
            try {
                host.fronts().apply(config).apply(context);
                done.add("front applied again for generation " + serving + " (ports " + context.ports() + ")");
            } catch (FrontException e) {
                done.add("front could not be applied again for generation " + serving + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        Set<Integer> draining = new HashSet<>();
        if (intent.front() != Intent.FrontTarget.OLD && config.mode() instanceof Worksets) {
            refused.keySet().forEach(c -> draining.add(c.record().port()));
        }
        if (!draining.isEmpty()) {
            try {
                Drain.Result drained = Drain.of(host.tcp(), config).await(draining, config.drainTimeout());
                done.add(drained.drained() ? "drained ports " + new TreeSet<>(draining) + " in " + drained.elapsedMs() + "ms"
                        : "drain of ports " + new TreeSet<>(draining) + " timed out with " + drained.remaining() + " connections left");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutting down: stop them at once
            }
        }
        long others = refused.keySet().stream().filter(c -> c.worker().isAlive()).count();
        if (others > 0) {
            done.add("stopping " + others + " worker" + (others == 1 ? "" : "s") + " of the other set");
        }
        String action = (serving > 0 ? (serving == intent.to() ? "finished forward: generation " + serving + " serves"
                : "rolled back: generation " + serving + " serves") : "nothing verified: first start")
                + (done.isEmpty() ? "" : "; " + String.join("; ", done));
        events.accept(new RolloutEvent.Reconciled(config.name(), intent.phase(), intent.from(), intent.to(), serving, action));
        host.intents().record(config.name(), Optional.empty());
    }

    /** The ports generation {@code g} serves on: its workset's, or the held sockets' (taken from {@code verified}). */
    private List<Integer> portsOf(long g, Map<Candidate, String> verified) {
        return switch (config.mode()) {
            case Worksets w -> w.workset(g - 1).ports();
            case HeldSockets held -> verified.keySet().stream().map(c -> c.record().port()).distinct().toList();
        };
    }

    private Adopted adopted(long generation, Leftovers left, WorkerSpecs specs, Map<Candidate, String> verified) {
        List<Integer> slots = switch (config.mode()) {
            case HeldSockets h -> IntStream.rangeClosed(1, h.workers()).boxed().toList();
            case Worksets w -> w.workset(generation - 1).ports();
        };
        Map<Integer, Worker> bySlot = new LinkedHashMap<>();
        verified.keySet().stream().sorted(Comparator.comparingInt(c -> slots.indexOf(c.record().slot())))
                .forEach(c -> bySlot.putIfAbsent(c.record().slot(), c.worker()));
        verified.forEach((c, how) -> events.accept(new RolloutEvent.WorkerAdopted(config.name(), generation, c.record().slot(),
                c.record().port(), c.record().pid(), how)));
        List<Integer> empty = slots.stream().filter(s -> !bySlot.containsKey(s)).toList();
        WorkerSet active = new WorkerSet(generation, List.copyOf(bySlot.values()));
        events.accept(new RolloutEvent.GroupAdopted(config.name(), generation, bySlot.size(), left.workers().size(), active.pids(),
                empty.isEmpty() ? "serving as before: nothing stopped or started, the front untouched"
                        : "respawning " + empty.stream().map(specs::describe).toList() + " by the usual path"));
        return new Adopted(active, specs, bySlot, empty);
    }

    /** The slots of the group's mode: the held sockets' workers when {@code sockets} were taken back, else ports. */
    private Slots slots(Optional<HeldSocketSet> sockets) {
        return switch (config.mode()) {
            case HeldSockets held -> new Slots.Held(held, sockets.orElseThrow());
            case Worksets w -> new Slots.Ports();
        };
    }

    /** Why a leftover that is still the recorded process does not belong to the set to adopt, if it does not. */
    private Optional<String> misfit(WorkerRecord r, long serving) {
        return switch (config.mode()) {
            case HeldSockets held when r.heldFds().isEmpty() ->
                    Optional.of("it holds no sockets, but rolld.yml now gives the group held sockets");
            case HeldSockets held when r.slot() < 1 || r.slot() > held.workers() ->
                    Optional.of("worker " + r.slot() + " is beyond 'workers: " + held.workers() + "' in rolld.yml");
            case HeldSockets held when r.heldFds().size() != held.listen().size() ->
                    Optional.of("it holds " + r.heldFds().size() + " sockets, rolld.yml lists " + held.listen().size());
            case HeldSockets held -> Optional.empty();
            case Worksets w when !r.heldFds().isEmpty() ->
                    Optional.of("it holds sockets, but rolld.yml now runs the group behind a load balancer");
            case Worksets w when !w.workset(serving - 1).ports().contains(r.port()) ->
                    Optional.of("port " + r.port() + " is not in the workset of generation " + serving + " in rolld.yml");
            case Worksets w -> Optional.empty();
        };
    }

    private String notRunning(WorkerRecord r) {
        var now = starts.of(r.pid());
        if (now.isEmpty()) {
            return "gone: no process " + r.pid() + " runs";
        }
        if (now.getAsLong() != r.startTime()) {
            return "pid " + r.pid() + " belongs to another process now (started at tick " + now.getAsLong()
                    + ", the worker at tick " + r.startTime() + ")";
        }
        return "it has exited";
    }

    /** The held sockets, copied from the first candidate that gives them all; candidates that cannot are refused. */
    private Optional<HeldSocketSet> takeSocketsBack(List<Candidate> candidates, HeldSockets held) {
        List<HeldSocketConfig> listen = held.listen();
        Optional<HeldSocketSet> passed = candidates.isEmpty() ? Optional.empty() : passedSockets(listen);
        if (passed.isPresent()) {
            return passed;
        }
        for (Candidate c : candidates) {
            List<HeldSocket> copied = new ArrayList<>();
            try {
                for (int i = 0; i < listen.size(); i++) {
                    copied.add(HeldSocketRecovery.copy(c.record().pid(), c.record().startTime(), c.record().heldFds().get(i), listen.get(i)));
                }
                return Optional.of(HeldSocketSet.of(copied));
            } catch (IOException | RuntimeException e) {
                copied.forEach(HeldSocket::close);
                refused.put(c, "cannot take the group's sockets back from it: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The held sockets as the image this one replaced passed them (rolld reexec) or systemd's fd
     * store did, when every one of them was passed; else empty, and they are copied from a worker.
     */
    private Optional<HeldSocketSet> passedSockets(List<HeldSocketConfig> listen) {
        List<HeldSocket> taken = new ArrayList<>();
        try {
            for (HeldSocketConfig l : listen) {
                Optional<HeldSocket> s = HeldSocketHandover.shared().take(config.name(), l);
                if (s.isEmpty()) {
                    taken.forEach(HeldSocket::close);
                    return Optional.empty();
                }
                taken.add(s.get());
            }
            return Optional.of(HeldSocketSet.of(taken));
        } catch (IOException | RuntimeException e) {
            taken.forEach(HeldSocket::close);
            return Optional.empty(); // not the configured sockets: the workers' own copies decide
        }
    }

    /** Held-socket mode: the candidates whose descriptors are the very sockets rolld holds again. */
    private Map<Candidate, String> holdingSockets(List<Candidate> candidates, Optional<HeldSocketSet> sockets) {
        Map<Candidate, String> ok = new LinkedHashMap<>();
        if (sockets.isEmpty()) {
            return ok;
        }
        for (Candidate c : candidates) {
            if (refused.containsKey(c)) {
                continue;
            }
            List<String> held = new ArrayList<>();
            Optional<String> problem = Optional.empty();
            for (int i = 0; i < sockets.get().fds().size() && problem.isEmpty(); i++) {
                int fd = c.record().heldFds().get(i);
                Optional<String> theirs = OpenFiles.target(c.record().pid(), fd);
                Optional<String> ours = OpenFiles.own(sockets.get().fds().get(i));
                if (theirs.isEmpty() || !theirs.equals(ours)) {
                    problem = Optional.of("fd " + fd + " is " + theirs.orElse("closed") + ", not the group's " + ours.orElse("socket"));
                } else {
                    held.add("fd " + fd + " " + theirs.get());
                }
            }
            if (!c.worker().isAlive()) {
                problem = Optional.of("it has exited");
            }
            problem.ifPresentOrElse(p -> refused.put(c, p), () -> ok.put(c, "alive, holding the group's sockets (" + String.join(", ", held) + ")"));
        }
        return ok;
    }

    /** Load-balancer mode: the candidates that pass the group's smoke tests on their port, probed all at once. */
    private Map<Candidate, String> passingSmokeTests(List<Candidate> candidates) {
        Duration timeout = config.readyTimeout().compareTo(SMOKE_TEST_TIMEOUT) < 0 ? config.readyTimeout() : SMOKE_TEST_TIMEOUT;
        Readiness readiness = new Readiness(config.smokeTests());
        Map<Candidate, Future<Readiness.Outcome>> probes = new LinkedHashMap<>();
        Map<Candidate, String> ok = new LinkedHashMap<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Candidate c : candidates) {
                probes.put(c, pool.submit(() -> readiness.await(List.of(c.record().port()), timeout,
                        port -> c.worker().isAlive() ? Optional.empty() : Optional.of("it exited"), c.worker().exit())));
            }
            for (var probe : probes.entrySet()) {
                Candidate c = probe.getKey();
                switch (outcome(probe.getValue())) {
                    case Readiness.Passed p -> ok.put(c, "smoke tests pass on port " + c.record().port());
                    case Readiness.Failed f -> refused.put(c, "smoke test failed on port " + f.port() + ": " + f.reason());
                }
            }
        }
        return ok;
    }

    /** A probe's outcome; interrupted, a failure (and the interrupt is kept for the caller). */
    private static Readiness.Outcome outcome(Future<Readiness.Outcome> probe) {
        try {
            return probe.get();
        } catch (ExecutionException e) {
            return new Readiness.Failed(0, "probe failed: " + e.getCause(), 0, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Readiness.Failed(0, "rolld is shutting down", 0, 0);
        }
    }

    /** Stops every refused leftover that is still the process rolld started, all at once, with the group's stop signal. */
    private void stopRefused(long generation) {
        if (refused.isEmpty()) {
            return;
        }
        List<Worker> ours = refused.keySet().stream().map(Candidate::worker).toList();
        Map<Long, Exit> exits = new WorkerSet(generation, ours).stop(config.stopSignal(), config.stopTimeout());
        refused.forEach((c, reason) -> events.accept(new RolloutEvent.WorkerRefused(config.name(), c.record().generation(),
                c.record().slot(), c.record().port(), c.record().pid(), reason, "stopped it (" + exits.get(c.record().pid()) + ")")));
    }
}
