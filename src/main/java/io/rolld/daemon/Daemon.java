package io.rolld.daemon;

import io.rolld.config.Config;
import io.rolld.config.ConfigException;
import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import io.rolld.config.Settings;
import io.rolld.config.PosixSignal;
import io.rolld.control.ErrorCode;
import io.rolld.control.Request;
import io.rolld.logs.EventRing;
import io.rolld.logs.LogRotator;
import io.rolld.logs.WorkerLives;
import io.rolld.os.ProcNetTcp;
import io.rolld.os.HeldSocketHandover;
import io.rolld.os.ProcessStartTime;
import io.rolld.os.ProcessTree;
import io.rolld.process.Release;
import io.rolld.process.WorkerRecord;
import io.rolld.os.ResidentMemory;
import io.rolld.os.SdNotify;
import io.rolld.os.SignalHandlers;
import io.rolld.rollout.Group;
import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Leftovers;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import io.rolld.rollout.Steering;
import io.rolld.web.DaemonView;
import io.rolld.web.RolloutHistory;
import io.rolld.web.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: starts every group, then reacts to signals on one thread, the loop.
 * Signal handlers and rollouts only post {@link Event}s; the loop decides and logs.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    /** For a leftover whose group is gone from rolld.yml. */
    private static final Duration LEFTOVER_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path configFile;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ProcNetTcp tcp = ProcNetTcp.system();
    private final Instant started = Instant.now();
    private final GenerationHistory generations;
    private final StatusReport report;
    private final WorkersFile workersFile;
    /** Fed by the event stream always: the listener, when configured, shows it. */
    private final RolloutHistory history = RolloutHistory.system();
    /** Every group's events go to these, in this order, each on its own (a listener that throws is logged, the others go on). */
    private final List<Consumer<RolloutEvent>> listeners;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** The groups as the loop last left them, for readers on other threads (status). */
    private volatile List<Group> groupsSnapshot = List.of();
    private final StateFiles stateFiles;
    private final ServiceNotifier notifier = new ServiceNotifier(SdNotify.fromEnvironment(System.getenv()), this::statuses,
            this::heldSocketsByName);
    private final Reexec reexec;
    private final RolloutSteering steering = new RolloutSteering(() -> groupsSnapshot);
    /** rolld's recent lines, for {@code rolld logs}; fed by the log itself. */
    private final EventRing recent;
    private final WorkerLives lives = new WorkerLives();
    /** Written by the loop, read by the log rotation's thread. */
    private volatile Config config;

    private Daemon(Path configFile, Config config, EventRing recent) {
        this.configFile = configFile;
        this.config = config;
        this.generations = new GenerationHistory(config.settings().stateFile().resolveSibling("history"), Clock.systemUTC());
        this.report = new StatusReport(tcp, ResidentMemory.system(), started, generations);
        this.recent = recent;
        this.stateFiles = new StateFiles(config.settings().pidFile(), config.settings().stateFile(), this::statuses, report,
                e -> LOG.warn("{}", Logfmt.event("state_file_failed").kv("file", config.settings().stateFile())
                        .kv("error", e.toString()).kv("action", "rollouts go on; status answers from memory")));
        this.workersFile = new WorkersFile(config.settings().stateFile().resolveSibling("workers"), ProcessStartTime.system());
        this.reexec = new Reexec(configFile, () -> groupsSnapshot, this::heldSocketsByName, notifier,
                () -> {
                    workersFile.flush();
                    generations.flush();
                }, work -> events.add(new Event.OnLoop(work)), started);
        // lives first: a logs follower that reads a worker's line has that worker in its sources.
        this.listeners = List.of(lives, new EventLog(), event -> stateChanged(), workersFile, generations, history, notifier);
    }

    /** How rolld's own log is written; {@code format} empty means the config's {@code log_format}. */
    public record LogOptions(Optional<Settings.LogFormat> format, Optional<Path> file) {
    }

    /** What the loop reacts to. */
    private sealed interface Event {
        record SignalReceived(PosixSignal signal) implements Event {
        }

        record FirstStartFinished(RolloutResult result) implements Event {
        }

        record RestartRequested(List<String> groups, Consumer<RolloutEvent> watcher,
                                CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> reply) implements Event {
        }

        record StopRequested() implements Event {
        }

        record RollbackRequested(String group, Request.Rollback.Target target, Consumer<RolloutEvent> watcher,
                                 CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> reply) implements Event {
        }

        /** Work a helper thread hands back to the loop (a re-exec's next step). */
        record OnLoop(Runnable work) implements Event {
        }
    }

    /** Runs rolld in the foreground until TERM or INT (or {@code rolld stop}); returns the exit code. */
    public static int run(Path configFile, LogOptions logOptions) {
        EventRing recent = new EventRing();
        Logs.configure(logOptions.format().orElse(Settings.LogFormat.TEXT), logOptions.file(), recent);
        Config config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            LOG.error("{}", Logfmt.event("config_invalid").kv("error", e.getMessage()).kv("action", "nothing started"));
            return ExitCodes.CONFIG_INVALID;
        }
        if (logOptions.format().isEmpty() && config.settings().logFormat() != Settings.LogFormat.TEXT) {
            Logs.configure(config.settings().logFormat(), logOptions.file(), recent);
        }
        Daemon daemon = new Daemon(configFile, config, recent);
        Path socket = config.settings().controlSocket();
        try (ControlServer control = ControlServer.open(socket, ch -> daemon.serve(ch), () -> Reexec.staleSocket(socket));
             WebServer web = daemon.startHttp();
             LogRotator rotation = daemon.startLogRotation(logOptions.file())) {
            daemon.stateFiles.writePid();
            int exitCode = daemon.loop(control.path());
            daemon.stateFiles.removeOnExit();
            daemon.workersFile.close();
            Files.deleteIfExists(daemon.workersFile.file());
            daemon.generations.close(); // kept: rolld history and rollback work after a restart
            return exitCode;
        } catch (ControlServer.AlreadyRunning e) {
            LOG.error("{}", Logfmt.event("already_running").kv("error", e.getMessage())
                    .kv("action", "nothing started; stop it first (rolld stop) or use another control_socket"));
            return ExitCodes.ALREADY_RUNNING;
        } catch (WebServer.BindFailed e) {
            LOG.error("{}", Logfmt.event("http_failed").kv("error", e.getMessage())
                    .kv("action", "nothing started; free the address or change 'http' in rolld.yml"));
            return ExitCodes.START_FAILED;
        } catch (IOException e) {
            LOG.error("{}", Logfmt.event("control_socket_failed").kv("socket", socket).kv("error", e.toString())
                    .kv("action", "nothing started"));
            return ExitCodes.START_FAILED;
        }
    }

    private int loop(Path socket) {
        SignalHandlers.install(s -> events.add(new Event.SignalReceived(s)));
        Reexec.logIfReexeced();
        LOG.info("{}", Logfmt.event("starting").kv("version", BuildVersion.current()).kv("config", configFile).kv("pid", ProcessHandle.current().pid())
                .kv("socket", socket).kv("groups", config.groups().stream().map(GroupConfig::name).toList()));
        generations.load();
        int starting = startGroups();
        while (true) {
            Event event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                // shutdown() runs its group shutdowns with the flag cleared and sets it again after.
                Thread.currentThread().interrupt();
                return shutdown("interrupted", ExitCodes.OK);
            }
            switch (event) {
                case Event.FirstStartFinished(RolloutResult.Failed f) -> {
                    LOG.error("{}", Logfmt.event("start_failed").kv("group", f.group()).kv("reason", f.reason())
                            .kv("action", "stopping everything and exiting"));
                    return shutdown("first start of group " + f.group() + " failed", ExitCodes.START_FAILED);
                }
                case Event.FirstStartFinished(RolloutResult.Succeeded s) -> {
                    if (--starting == 0) {
                        closeUntakenHeldSockets();
                        LOG.info("{}", Logfmt.event("ready").kv("groups", groups.size()));
                        report.ready();
                        notifier.ready();
                    }
                }
                case Event.SignalReceived(PosixSignal signal) -> {
                    switch (signal) {
                        case HUP -> reload();
                        case TERM, INT -> {
                            return shutdown("received SIG" + signal, ExitCodes.OK);
                        }
                        case USR2 -> reexec.requestBySignal();
                        case USR1 -> LOG.info("{}", Logfmt.event("signal").kv("signal", "USR1").kv("action", Logs.reopen()
                                ? "reopened rolld's log file; workers append to theirs (O_APPEND, copytruncate-safe)"
                                : "none: rolld logs to stdout; workers append to their files (O_APPEND, copytruncate-safe)"));
                        default -> LOG.warn("{}", Logfmt.event("signal").kv("signal", signal).kv("action", "ignored"));
                    }
                }
                case Event.RestartRequested r -> restart(r);
                case Event.RollbackRequested r -> rollback(r);
                case Event.OnLoop(Runnable work) -> work.run();
                case Event.StopRequested s -> {
                    return shutdown("rolld stop (control socket)", ExitCodes.OK);
                }
            }
        }
    }

    /**
     * Starts every group from what the workers file says a previous rolld left (it died, or this
     * daemon was re-executed): each group adopts its leftovers that still verify, or has its first
     * start ({@link Group#start}); each posts {@link Event.FirstStartFinished}. Leftovers of groups
     * gone from rolld.yml are stopped first, if they are still the processes rolld started.
     * Returns how many groups are starting.
     */
    private int startGroups() {
        Map<String, Leftovers> left;
        try {
            left = workersFile.load();
        } catch (IOException e) {
            LOG.warn("{}", Logfmt.event("workers_file_unreadable").kv("file", workersFile.file()).kv("error", e.toString())
                    .kv("action", "adopting nothing; a port still taken is refused with its owner's pid"));
            left = Map.of();
        }
        left.forEach((name, l) -> {
            if (config.group(name).isEmpty()) {
                stopLeftoversOfRemovedGroup(name, l);
            }
        });
        for (GroupConfig g : config.groups()) {
            Leftovers leftovers = left.getOrDefault(g.name(), Leftovers.none()).withReleases(generations.releasesOf(g.name()));
            addGroup(g).start(leftovers).whenComplete((result, error) -> {
                if (result != null) {
                    events.add(new Event.FirstStartFinished(result));
                }
            });
        }
        return config.groups().size();
    }

    /** A group gone from rolld.yml cannot adopt: its leftovers that are still ours are stopped (TERM, then KILL). */
    private void stopLeftoversOfRemovedGroup(String name, Leftovers left) {
        try (var scope = Executors.newVirtualThreadPerTaskExecutor()) {
            for (WorkerRecord r : left.workers()) {
                Optional<ProcessHandle> p = ProcessHandle.of(r.pid())
                        .filter(h -> ProcessStartTime.system().of(r.pid()).orElse(-1) == r.startTime());
                scope.submit(() -> {
                    String action = "none: not signalled, it is not the process rolld started";
                    if (p.isPresent()) {
                        List<Long> killed = ProcessTree.stop(p.get(), PosixSignal.TERM, LEFTOVER_STOP_TIMEOUT);
                        action = "stopped it (" + (killed.isEmpty() ? "TERM" : "KILL") + "): its group is gone from rolld.yml";
                    }
                    workersFile.forget(r.pid());
                    LOG.warn("{}", Logfmt.event("worker_refused").kv("group", name).kv("generation", r.generation())
                            .kv("port", r.port()).kv("pid", r.pid()).kv("reason", "group not in rolld.yml").kv("action", action));
                    return null;
                });
            }
        }
    }

    /** The HTTP listener when rolld.yml asks for one (null otherwise: try-with-resources skips it). */
    private WebServer startHttp() throws WebServer.BindFailed {
        if (config.settings().http().isEmpty()) {
            return null;
        }
        WebServer web = WebServer.start(config.settings().http().get(), new DaemonView() {
            @Override
            public List<GroupStatus> groups() {
                return statuses();
            }

            @Override
            public Map<String, Object> statusReport(List<GroupStatus> groups) {
                return report.of(groups);
            }

            @Override
            public Optional<String> release(String group, long generation) {
                return generations.succeeded(group, generation).flatMap(GenerationRecord::release).map(r -> r.directory().toString());
            }
        }, history);
        LOG.info("{}", Logfmt.event("http_listening").kv("address", config.settings().http().get())
                .kv("paths", "/ /metrics /api/status"));
        return web;
    }

    /** Rotation of the groups' worker files and of rolld's own {@code --log-file}, each as its {@code logs:} says. */
    private LogRotator startLogRotation(Optional<Path> ownLog) {
        return LogRotator.start(() -> groupsSnapshot.stream().map(Group::config).toList(), () -> config.settings().logs(),
                ownLog.map(file -> new LogRotator.OwnLog(file, Logs::reopenAfterRename)), Daemon::logRotation);
    }

    private static void logRotation(LogRotator.Outcome outcome) {
        Logfmt line = Logfmt.event(outcome instanceof LogRotator.Outcome.Failed ? "log_rotation_failed" : "log_rotated");
        outcome.group().ifPresent(g -> line.kv("group", g));
        line.kv("file", outcome.file());
        switch (outcome) {
            case LogRotator.Outcome.Rotated r -> {
                line.kv("size", r.size()).kv("copy", r.copy().map(Path::toString).orElse("none (keep: 0)")).kv("keep", r.keep())
                        .kv("method", r.method()).kv("lost_bytes", r.lostBytes()).kv("window_us", r.windowMicros())
                        .kv("elapsed_ms", r.elapsedMs());
                LOG.info("{}", line);
            }
            case LogRotator.Outcome.Failed f -> LOG.warn("{}", line.kv("error", f.error())
                    .kv("action", "the file keeps growing; tried again every second, logged again if the error changes"));
        }
    }

    private Group addGroup(GroupConfig groupConfig) {
        Group group = new Group(groupConfig, configFile.toAbsolutePath().normalize(), tcp, listeners, workersFile);
        groups.put(groupConfig.name(), group);
        groupsSnapshot = List.copyOf(groups.values());
        return group;
    }

    private void serve(java.nio.channels.SocketChannel channel) throws IOException {
        ControlSession.serve(channel, new ControlSession.Control() {
            @Override
            public Map<String, Object> status() {
                return report.of(statuses());
            }

            @Override
            public CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> restart(
                    List<String> names, Consumer<RolloutEvent> watcher) {
                CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> reply = new CompletableFuture<>();
                events.add(new Event.RestartRequested(names, watcher, reply));
                return reply;
            }

            @Override
            public void stop() {
                events.add(new Event.StopRequested());
            }

            @Override
            public CompletableFuture<Reexec.Ticket> reexec(Duration timeout) {
                return reexec.requestFromClient(timeout);
            }

            @Override
            public Steering.Answer.Taken steer(String group, Steering.Command command) {
                return steering.steer(group, command);
            }

            @Override
            public List<Map<String, Object>> history(Optional<String> group, int limit) {
                if (group.isPresent() && groupsSnapshot.stream().noneMatch(g -> g.name().equals(group.get()))
                        && generations.last(group, 1).isEmpty()) {
                    throw new ControlSession.Refused(ErrorCode.NO_SUCH_GROUP, "no such group: " + group.get());
                }
                return generations.last(group, limit).stream().map(GenerationRecord::shown).toList();
            }

            @Override
            public CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> rollback(
                    String group, Request.Rollback.Target target, Consumer<RolloutEvent> watcher) {
                CompletableFuture<Map<String, CompletableFuture<RolloutResult>>> reply = new CompletableFuture<>();
                events.add(new Event.RollbackRequested(group, target, watcher, reply));
                return reply;
            }

            @Override
            public LogsSession.Groups logs() {
                return logGroups();
            }
        });
    }

    private LogsSession.Groups logGroups() {
        return new LogsSession.Groups() {
            @Override
            public List<String> names() {
                return groupsSnapshot.stream().map(Group::name).toList();
            }

            @Override
            public Optional<GroupConfig> config(String group) {
                return groupsSnapshot.stream().filter(g -> g.name().equals(group)).findFirst().map(Group::config);
            }

            @Override
            public Set<Long> serving(String group) {
                return groupsSnapshot.stream().filter(g -> g.name().equals(group)).findFirst()
                        .map(g -> g.status().workers().stream().filter(GroupStatus.WorkerInfo::alive).map(GroupStatus.WorkerInfo::pid)
                                .collect(Collectors.toSet()))
                        .orElse(Set.of());
            }

            @Override
            public List<WorkerLives.Life> lives(String group) {
                return lives.of(group);
            }

            @Override
            public EventRing recent() {
                return recent;
            }
        };
    }

    /** Every held socket by the name it crosses a re-exec or systemd's fd store with ({@code GROUP/SOCKET}). */
    private Map<String, Integer> heldSocketsByName() {
        Map<String, Integer> held = new LinkedHashMap<>();
        groupsSnapshot.forEach(g -> g.heldSockets().forEach(s -> held.put(HeldSocketHandover.nameOf(g.name(), s.listen()), s.fd())));
        return held;
    }

    /** Sockets systemd or the previous image handed over that no group took (rolld.yml changed, or adoption copied its own). */
    private static void closeUntakenHeldSockets() {
        List<String> closed = HeldSocketHandover.shared().closeUntaken();
        if (!closed.isEmpty()) {
            LOG.info("{}", Logfmt.event("passed_sockets_closed").kv("names", closed)
                    .kv("action", "no group holds these descriptors; the groups' own sockets are unaffected"));
        }
    }

    private List<GroupStatus> statuses() {
        return groupsSnapshot.stream().map(Group::status).toList();
    }

    private void stateChanged() {
        stateFiles.changed();
    }

    /**
     * {@code rolld restart}: re-reads rolld.yml like HUP (an invalid file refuses the request and
     * changes nothing), then asks each named group (all when none is named) for a rollout.
     * Adding or removing groups takes a HUP.
     */
    private void restart(Event.RestartRequested request) {
        List<String> names = request.groups().isEmpty() ? List.copyOf(groups.keySet()) : request.groups();
        List<String> unknown = names.stream().filter(n -> !groups.containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            request.reply().completeExceptionally(new ControlSession.Refused(ErrorCode.NO_SUCH_GROUP,
                    "no such group: " + String.join(", ", unknown) + " (groups: " + String.join(", ", groups.keySet()) + ")"));
            return;
        }
        Config next;
        try {
            next = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            LOG.error("{}", Logfmt.event("restart_refused").kv("error", e.getMessage()).kv("action", "running workers untouched"));
            request.reply().completeExceptionally(new ControlSession.Refused(ErrorCode.CONFIG_INVALID, e.getMessage()));
            return;
        }
        LOG.info("{}", Logfmt.event("restart_requested").kv("groups", names).kv("via", "control socket"));
        Map<String, CompletableFuture<RolloutResult>> rollouts = new LinkedHashMap<>();
        for (String name : names) {
            Group group = groups.get(name);
            next.group(name).ifPresent(group::reconfigure);
            rollouts.put(name, group.requestRollout("rolld restart", request.watcher()));
        }
        notifier.reloading(List.copyOf(rollouts.values()));
        request.reply().complete(rollouts);
    }

    /**
     * {@code rolld rollback}: rolls the group out to the recorded release of an earlier successful
     * generation ({@link GenerationHistory#rollbackTarget}), through a normal rollout with the
     * group's configuration as it is (rolld.yml is not re-read: a rollback must not depend on it).
     * Refused, with nothing changed, when there is nothing to go back to or its directory is gone.
     */
    private void rollback(Event.RollbackRequested request) {
        Group group = groups.get(request.group());
        if (group == null) {
            request.reply().completeExceptionally(new ControlSession.Refused(ErrorCode.NO_SUCH_GROUP,
                    "no such group: " + request.group() + " (groups: " + String.join(", ", groups.keySet()) + ")"));
            return;
        }
        long serving = group.status().generation();
        GenerationRecord target;
        try {
            target = generations.rollbackTarget(group.name(), serving, request.target());
        } catch (GenerationHistory.NoTarget e) {
            refuseRollback(request, e.getMessage());
            return;
        }
        Release release = target.release().orElseThrow();
        if (!Files.isDirectory(release.directory())) {
            refuseRollback(request, "the release directory " + release.directory() + " of generation " + target.generation()
                    + " no longer exists");
            return;
        }
        String trigger = "rollback to generation " + target.generation() + " (release " + release.directory() + ")";
        LOG.info("{}", Logfmt.event("rollback_requested").kv("group", group.name()).kv("serving", serving)
                .kv("to", target.generation()).kv("release", release.directory()).kv("via", "control socket"));
        CompletableFuture<RolloutResult> rollout = group.requestRollout(trigger, Optional.of(release), request.watcher());
        notifier.reloading(List.of(rollout));
        request.reply().complete(Map.of(group.name(), rollout));
    }

    private void refuseRollback(Event.RollbackRequested request, String reason) {
        LOG.warn("{}", Logfmt.event("rollback_refused").kv("group", request.group()).kv("reason", reason)
                .kv("action", "nothing changed; the serving generation keeps serving"));
        request.reply().completeExceptionally(new ControlSession.Refused(ErrorCode.ROLLBACK_REFUSED, reason + "; nothing changed"));
    }

    /** HUP: re-read rolld.yml; an invalid file changes nothing. Then roll every group. */
    private void reload() {
        LOG.info("{}", Logfmt.event("signal").kv("signal", "HUP").kv("action", "re-reading " + configFile + " and rolling every group"));
        Config next;
        try {
            next = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            LOG.error("{}", Logfmt.event("reload_refused").kv("error", e.getMessage())
                    .kv("action", "running workers untouched; fix the file and send HUP again"));
            return;
        }
        for (String name : groups.keySet().stream().filter(n -> next.group(n).isEmpty()).toList()) {
            LOG.info("{}", Logfmt.event("group_removed").kv("group", name).kv("action", "stopping its workers"));
            Group removed = groups.remove(name);
            Uninterruptibly.run(removed::shutdown);
            groupsSnapshot = List.copyOf(groups.values());
        }
        if (!next.settings().http().equals(config.settings().http())) {
            LOG.warn("{}", Logfmt.event("http_unchanged").kv("http", config.settings().http().map(Object::toString).orElse("off"))
                    .kv("action", "a changed 'http' takes effect when rolld restarts"));
        }
        config = next;
        List<CompletableFuture<?>> rollouts = new ArrayList<>();
        for (GroupConfig g : next.groups()) {
            Group existing = groups.get(g.name());
            if (existing == null) {
                LOG.info("{}", Logfmt.event("group_added").kv("group", g.name()));
                rollouts.add(addGroup(g).requestRollout("HUP: group added"));
            } else {
                existing.reconfigure(g);
                rollouts.add(existing.requestRollout("HUP"));
            }
        }
        notifier.reloading(rollouts);
    }

    private int shutdown(String why, int exitCode) {
        LOG.info("{}", Logfmt.event("shutdown").kv("reason", why).kv("action", "stopping every worker gracefully"));
        notifier.stopping();
        groups.values().forEach(group -> Uninterruptibly.run(group::shutdown));
        for (Event pending = events.poll(); pending != null; pending = events.poll()) {
            CompletableFuture<?> reply = switch (pending) {
                case Event.RestartRequested r -> r.reply();
                case Event.RollbackRequested r -> r.reply();
                default -> null; // nothing waits for an answer
            };
            if (reply != null) {
                reply.completeExceptionally(new ControlSession.Refused(ErrorCode.SHUTTING_DOWN, "rolld is shutting down (" + why + ")"));
            }
        }
        LOG.info("{}", Logfmt.event("stopped").kv("exit_code", exitCode));
        return exitCode;
    }
}
