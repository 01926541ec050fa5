package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.PosixSignal;
import io.rolld.config.Supervision;
import io.rolld.os.MemoryReader;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import io.rolld.testing.ProcFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memory: {per: child}} as {@link MemoryWatch} decides it: a preforking worker whose children
 * are {@code /proc/PID/stat} and {@code status} files the test writes (and removes when a child
 * exits), a hand-turned clock, and a signaller that records instead of signalling. Limit 100 MB,
 * a check every 10 s, SIGQUIT, SIGKILL 30 s later.
 */
class ChildMemoryWatchTest {
    private static final long MB = 1_000_000;
    private static final Duration CHECK = Duration.ofSeconds(10);
    private static final Duration KILL_AFTER = Duration.ofSeconds(30);
    private static final Supervision.Memory PER_CHILD = perChild(Duration.ZERO);

    private record Sent(long pid, PosixSignal signal) {
    }

    @TempDir
    Path proc;
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final List<RolloutEvent> events = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private MemoryWatch watch;
    private Worker master;
    private WorkerSet set;
    private long nextChildPid;

    private static Supervision.Memory perChild(Duration cooldown) {
        return new Supervision.Memory(100 * MB, 100 * MB, Supervision.Metric.RSS, CHECK, cooldown,
                new Supervision.Per.Child(PosixSignal.QUIT, KILL_AFTER));
    }

    @BeforeEach
    void start() throws IOException {
        watch = new MemoryWatch("app", new MemoryReader(proc), (p, s) -> sent.add(new Sent(p.pid(), s)) && Files.exists(stat(p.pid())),
                new SplittableRandom(1), events::add, now::get);
        master = FakeWorkers.running(9101);
        set = new WorkerSet(1, List.of(master));
        nextChildPid = 80_000_000; // below the fake workers' pids
        process(master.pid(), 1, 40);
    }

    @Test
    void check_childOverItsLimit_getsTheSignalAlone_andNoRolloutIsAsked() throws IOException {
        long leaking = child(50);
        long other = child(50);
        adopt(Optional.of(PER_CHILD));
        check(); // first readings
        rss(leaking, 150);

        Optional<MemoryWatch.Breach> breach = check();

        assertTrue(breach.isEmpty(), "per child never rolls the group");
        assertEquals(List.of(new Sent(leaking, PosixSignal.QUIT)), sent);
        RolloutEvent.ChildOverMemory e = (RolloutEvent.ChildOverMemory) events.getLast();
        assertEquals(MemoryAction.SIGNAL, e.action());
        assertEquals(leaking, e.childPid());
        assertEquals(master.pid(), e.pid());
        assertTrue(e.reason().startsWith("port 9101 pid " + master.pid() + " child " + leaking + " uses 150.0MB rss (1 process), over its limit"),
                e.reason());
        GroupStatus.Children status = watch.children().orElseThrow();
        assertEquals(1, status.signalled());
        assertEquals(List.of(leaking, other), status.readings().stream().map(GroupStatus.Child::pid).toList());
        assertEquals(List.of(), watch.problems());
    }

    @Test
    void check_childOverAtItsFirstReading_isMisconfigured_neverSignalled() throws IOException {
        long big = child(150);
        adopt(Optional.of(PER_CHILD));

        check();
        check();

        assertEquals(List.of(), sent);
        assertEquals(MemoryAction.MISCONFIGURED, ((RolloutEvent.ChildOverMemory) events.getFirst()).action());
        assertEquals(1, events.size(), "reported once: " + events);
        assertTrue(watch.problems().getFirst().contains("child " + big + " uses 150.0MB rss (1 process) at its first reading"), watch.problems().toString());

        Files.delete(stat(big)); // its master replaced it: the new child starts afresh
        child(50);
        check();
        assertEquals(List.of(), watch.problems());
    }

    @Test
    void check_twoChildrenOfOneWorkerOver_signalsOneAtATime() throws IOException {
        long first = child(50);
        long second = child(50);
        adopt(Optional.of(PER_CHILD));
        check();
        rss(first, 150);
        rss(second, 150);

        check();
        check(); // the first is still on its way out

        assertEquals(List.of(new Sent(first, PosixSignal.QUIT)), sent);

        Files.delete(stat(first));
        long successor = child(45);
        check();

        assertEquals(List.of(new Sent(first, PosixSignal.QUIT), new Sent(second, PosixSignal.QUIT)), sent);
        assertTrue(watch.children().orElseThrow().readings().stream().anyMatch(c -> c.pid() == successor));
    }

    @Test
    void check_childIgnoringItsSignal_isKilledAfterStopTimeout_once() throws IOException {
        long stubborn = child(50);
        adopt(Optional.of(PER_CHILD));
        check();
        rss(stubborn, 150);
        check();
        long signalledAt = now.get();

        assertEquals(signalledAt + CHECK.toNanos(), watch.nextCheckNanos().orElseThrow());
        now.set(signalledAt + KILL_AFTER.toNanos() - 1);
        watch.checkIfDue(set, MemoryAction.ROLLOUT);
        assertEquals(List.of(new Sent(stubborn, PosixSignal.QUIT)), sent, "not before stop_timeout");

        now.set(signalledAt + KILL_AFTER.toNanos());
        watch.checkIfDue(set, MemoryAction.ROLLOUT);
        check();

        assertEquals(List.of(new Sent(stubborn, PosixSignal.QUIT), new Sent(stubborn, PosixSignal.KILL)), sent);
        RolloutEvent.ChildKilled killed = (RolloutEvent.ChildKilled) events.stream().filter(e -> e instanceof RolloutEvent.ChildKilled)
                .findFirst().orElseThrow();
        assertEquals(KILL_AFTER.toMillis(), killed.waitedMs());
        assertEquals(1, watch.children().orElseThrow().killed());
    }

    @Test
    void nextCheckNanos_aKillDeadlineBeforeTheNextCheck_comesFirst() throws IOException {
        Supervision.Memory slowChecks = new Supervision.Memory(100 * MB, 100 * MB, Supervision.Metric.RSS, Duration.ofMinutes(1),
                Duration.ZERO, new Supervision.Per.Child(PosixSignal.TERM, KILL_AFTER));
        long c = child(50);
        adopt(Optional.of(slowChecks));
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        watch.checkIfDue(set, MemoryAction.ROLLOUT);
        rss(c, 150);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        watch.checkIfDue(set, MemoryAction.ROLLOUT);

        assertEquals(now.get() + KILL_AFTER.toNanos(), watch.nextCheckNanos().orElseThrow());
    }

    @Test
    void check_withACooldown_skipsOtherWorkersChildren_reportedOnce() throws IOException {
        Worker second = FakeWorkers.running(9102);
        process(second.pid(), 1, 40);
        set = new WorkerSet(1, List.of(master, second));
        long a = child(50);
        long b = child(second, 50);
        adopt(Optional.of(perChild(Duration.ofMinutes(5))));
        check();
        rss(a, 150);
        rss(b, 150);

        check();
        check();

        assertEquals(1, sent.size(), sent.toString());
        assertEquals(List.of(MemoryAction.SIGNAL, MemoryAction.SKIPPED_COOLDOWN), events.stream()
                .map(e -> ((RolloutEvent.ChildOverMemory) e).action()).toList());
    }

    @Test
    void checked_aRolloutsNewSet_readsItsChildrenBeforeTraffic_andKeepsThemWhileTheOldSetIsChecked() throws IOException {
        child(50);
        adopt(Optional.of(PER_CHILD));
        Worker next = FakeWorkers.running(9201);
        process(next.pid(), 1, 40);
        long big = child(next, 150);
        long small = child(next, 50);
        WorkerSet nextSet = new WorkerSet(2, List.of(next));

        watch.checked(nextSet, Optional.of(PER_CHILD)); // its smoke test passed; no traffic yet
        check(); // the old set, still serving
        assertEquals(1, events.size(), "the new set's big child, misconfigured once: " + events);
        assertEquals(MemoryAction.MISCONFIGURED, ((RolloutEvent.ChildOverMemory) events.getFirst()).action());
        assertEquals(big, ((RolloutEvent.ChildOverMemory) events.getFirst()).childPid());

        set = nextSet;
        adopt(Optional.of(PER_CHILD)); // the front lists the new set alone
        rss(small, 150);
        check();

        assertEquals(List.of(new Sent(small, PosixSignal.QUIT)), sent, "read before traffic, so over it now is a leak");
    }

    @Test
    void children_perWorker_isEmpty() {
        adopt(Optional.of(new Supervision.Memory(100 * MB, 100 * MB, Supervision.Metric.RSS, CHECK, Duration.ZERO,
                new Supervision.Per.Worker())));

        assertEquals(Optional.empty(), watch.children());
    }

    private void adopt(Optional<Supervision.Memory> memory) {
        watch.adopt(set, memory);
    }

    private Optional<MemoryWatch.Breach> check() {
        now.addAndGet(CHECK.toNanos());
        return watch.checkIfDue(set, MemoryAction.ROLLOUT);
    }

    private long child(int mb) throws IOException {
        return child(master, mb);
    }

    private long child(Worker parent, int mb) throws IOException {
        long pid = nextChildPid++;
        process(pid, parent.pid(), mb);
        return pid;
    }

    private void process(long pid, long parent, int mb) throws IOException {
        Files.createDirectories(stat(pid).getParent());
        Files.writeString(stat(pid), pid + " (gunicorn: worker) S " + parent + " 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 " + (pid * 7) + " 0 0\n");
        rss(pid, mb);
    }

    private void rss(long pid, int mb) throws IOException {
        ProcFixture.rss(proc, pid, mb * MB);
    }

    private Path stat(long pid) {
        return proc.resolve(Long.toString(pid)).resolve("stat");
    }
}
