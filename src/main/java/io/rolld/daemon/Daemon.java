package io.rolld.daemon;

import io.rolld.config.Config;
import io.rolld.config.ConfigException;
import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import io.rolld.config.Settings;
import io.rolld.os.PassedDescriptors;
import io.rolld.os.PosixSignal;
import io.rolld.os.ProcNetTcp;
import io.rolld.os.ProcessTree;
import io.rolld.os.ResidentMemory;
import io.rolld.os.SdNotify;
import io.rolld.os.SignalHandlers;
import io.rolld.rollout.Group;
import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import io.rolld.web.DaemonView;
import io.rolld.web.RolloutHistory;
import io.rolld.web.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final RolloutActivity progress = new RolloutActivity(this::writeState);
    private final StatusReport report = new StatusReport(tcp, ResidentMemory.system(), progress);
    private final Leftovers leftovers;
    /** Fed by the event stream always: the listener, when configured, shows it. */
    private final RolloutHistory history = RolloutHistory.system();
    private final Consumer<RolloutEvent> eventLog;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** The groups as the loop last left them, for readers on other threads (status). */
    private volatile List<Group> groupsSnapshot = List.of();
    private final StateFiles stateFiles;
    private final ServiceNotifier notifier = new ServiceNotifier(SdNotify.fromEnvironment(System.getenv()), this::statuses);
    private final Instant started = Instant.now();
    private final Reexecutor reexecutor;
    private volatile boolean ready;
    private Config config;

    private Daemon(Path configFile, Config config) {
        this.configFile = configFile;
        this.config = config;
        this.stateFiles = new StateFiles(config.settings().pidFile(), config.settings().stateFile());
        this.leftovers = new Leftovers(config.settings().stateFile().resolveSibling("workers"));
        this.reexecutor = new Reexecutor(configFile, this::statuses, this::heldSocketsByName, notifier,
                work -> events.add(new Event.OnLoop(work)), started);
        this.eventLog = new EventLog().andThen(progress).andThen(leftovers).andThen(history).andThen(notifier);
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

        /** Work a helper thread hands back to the loop (a re-exec's next step). */
        record OnLoop(Runnable work) implements Event {
        }
    }

    /** Runs rolld in the foreground until TERM or INT (or {@code rolld stop}); returns the exit code. */
    public static int run(Path configFile, LogOptions logOptions) {
        Logs.configure(logOptions.format().orElse(Settings.LogFormat.TEXT), logOptions.file());
        Config config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            LOG.error("{}", Logfmt.event("config_invalid").kv("error", e.getMessage()).kv("action", "nothing started"));
            return ExitCodes.CONFIG_INVALID;
        }
        if (logOptions.format().isEmpty() && config.settings().logFormat() != Settings.LogFormat.TEXT) {
            Logs.configure(config.settings().logFormat(), logOptions.file());
        }
        Daemon daemon = new Daemon(configFile, config);
        Path socket = config.settings().controlSocket();
        try (ControlServer control = ControlServer.open(socket, ch -> daemon.serve(ch), () -> LOG.warn("{}",
                Logfmt.event("stale_socket").kv("socket", socket).kv("action", "no rolld answers on it; replacing it")));
             WebServer web = daemon.startHttp()) {
            daemon.stateFiles.writePid();
            daemon.stopLeftovers();
            int exitCode = daemon.loop(control.path());
            daemon.stateFiles.removeOnExit();
            Files.deleteIfExists(daemon.leftovers.file());
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
        String from = System.getenv(Reexec.FROM_VARIABLE);
        if (from != null) {
            LOG.info("{}", Logfmt.event("reexeced").kv("pid", ProcessHandle.current().pid()).kv("from_version", from)
                    .kv("version", RolldVersion.current()).kv("action", "taking over the running workers"));
        }
        LOG.info("{}", Logfmt.event("starting").kv("version", RolldVersion.current()).kv("config", configFile).kv("pid", ProcessHandle.current().pid())
                .kv("socket", socket).kv("groups", config.groups().stream().map(GroupConfig::name).toList()));
        for (GroupConfig g : config.groups()) {
            addGroup(g).requestRollout("first start").whenComplete((result, error) -> {
                if (result != null) {
                    events.add(new Event.FirstStartFinished(result));
                }
            });
        }
        int starting = groups.size();
        while (true) {
            Event event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
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
                        LOG.info("{}", Logfmt.event("ready").kv("groups", groups.size()));
                        ready = true;
                        closeUntakenDescriptors();
                        notifier.ready();
                    }
                }
                case Event.SignalReceived(PosixSignal signal) -> {
                    switch (signal) {
                        case HUP -> reload();
                        case TERM, INT -> {
                            return shutdown("received SIG" + signal, ExitCodes.OK);
                        }
                        case USR2 -> reexecutor.request(ControlSession.DEFAULT_REEXEC_TIMEOUT, "SIGUSR2", usr2Reply());
                        case USR1 -> LOG.info("{}", Logfmt.event("signal").kv("signal", "USR1").kv("action", Logs.reopen()
                                ? "reopened rolld's log file; workers append to theirs (O_APPEND, copytruncate-safe)"
                                : "none: rolld logs to stdout; workers append to their files (O_APPEND, copytruncate-safe)"));
                        default -> LOG.warn("{}", Logfmt.event("signal").kv("signal", signal).kv("action", "ignored"));
                    }
                }
                case Event.RestartRequested r -> restart(r);
                case Event.OnLoop(Runnable work) -> work.run();
                case Event.StopRequested s -> {
                    return shutdown("rolld stop (control socket)", ExitCodes.OK);
                }
            }
        }
    }

    /**
     * Stops the workers a previous rolld left running when it was killed (found through the
     * {@code workers} file), each with its group's stop signal and stop_timeout, before anything
     * starts: their ports are the ones this rolld is about to use.
     */
    private void stopLeftovers() {
        List<Leftovers.Leftover> found;
        try {
            found = leftovers.find();
        } catch (IOException e) {
            LOG.warn("{}", Logfmt.event("leftovers_unreadable").kv("file", leftovers.file()).kv("error", e.toString())
                    .kv("action", "starting anyway; a port still taken will be refused with its owner's pid"));
            return;
        }
        try (var scope = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Leftovers.Leftover l : found) {
                Optional<GroupConfig> group = config.group(l.group());
                PosixSignal signal = group.map(g -> PosixSignal.named(g.stopSignal())).orElse(PosixSignal.TERM);
                Duration timeout = group.map(GroupConfig::stopTimeout).orElse(LEFTOVER_STOP_TIMEOUT);
                scope.submit(() -> {
                    List<Long> killed = ProcessTree.stop(l.process(), signal, timeout);
                    LOG.warn("{}", Logfmt.event("leftover_stopped").kv("group", l.group()).kv("port", l.port())
                            .kv("pid", l.process().pid()).kv("signal", killed.isEmpty() ? signal : "KILL")
                            .kv("action", "a previous rolld was killed and left this worker running; stopped it before starting"));
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
        }, history);
        LOG.info("{}", Logfmt.event("http_listening").kv("address", config.settings().http().get())
                .kv("paths", "/ /metrics /api/status"));
        return web;
    }

    private Group addGroup(GroupConfig groupConfig) {
        Group group = new Group(groupConfig, configFile.toAbsolutePath().getParent(), tcp, eventLog);
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
            public CompletableFuture<Reexecutor.Ticket> reexec(Duration timeout) {
                CompletableFuture<Reexecutor.Ticket> reply = new CompletableFuture<>();
                events.add(new Event.OnLoop(() -> reexecutor.request(timeout, "control socket", reply)));
                return reply;
            }
        });
    }

    /** SIGUSR2 has no client to tell: the ticket counts as announced at once; a refusal is in the log. */
    private static CompletableFuture<Reexecutor.Ticket> usr2Reply() {
        CompletableFuture<Reexecutor.Ticket> reply = new CompletableFuture<>();
        reply.thenAccept(t -> t.announced().complete(null));
        return reply;
    }

    /** Every held socket by its passed-on name ({@code GROUP/SOCKET}), for a re-exec. */
    private Map<String, Integer> heldSocketsByName() {
        Map<String, Integer> held = new LinkedHashMap<>();
        groupsSnapshot.forEach(g -> g.heldSockets().forEach(s -> held.put(PassedDescriptors.nameOf(g.name(), s.listen()), s.fd())));
        return held;
    }

    /** Sockets systemd or the previous image passed that no group took (rolld.yml changed): closed, so their ports are free. */
    private static void closeUntakenDescriptors() {
        List<String> closed = PassedDescriptors.shared().closeUntaken();
        if (!closed.isEmpty()) {
            LOG.info("{}", Logfmt.event("passed_sockets_closed").kv("names", closed)
                    .kv("action", "no group of rolld.yml holds these sockets any more"));
        }
    }

    private List<GroupStatus> statuses() {
        return groupsSnapshot.stream().map(Group::status).toList();
    }

    private void writeState() {
        try {
            stateFiles.writeState(this::statuses, report);
        } catch (IOException e) {
            LOG.warn("{}", Logfmt.event("state_file_failed").kv("file", stateFiles.stateFile()).kv("error", e.toString())
                    .kv("action", "rollouts go on; status answers from memory"));
        }
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
            request.reply().completeExceptionally(new ControlSession.Refused(ControlProtocol.NO_SUCH_GROUP,
                    "no such group: " + String.join(", ", unknown) + " (groups: " + String.join(", ", groups.keySet()) + ")"));
            return;
        }
        Config next;
        try {
            next = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            LOG.error("{}", Logfmt.event("restart_refused").kv("error", e.getMessage()).kv("action", "running workers untouched"));
            request.reply().completeExceptionally(new ControlSession.Refused(ControlProtocol.CONFIG_INVALID, e.getMessage()));
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
            shutdownGroup(groups.remove(name));
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
        groups.values().forEach(Daemon::shutdownGroup);
        for (Event pending = events.poll(); pending != null; pending = events.poll()) {
            if (pending instanceof Event.RestartRequested r) {
                r.reply().completeExceptionally(new ControlSession.Refused(ControlProtocol.SHUTTING_DOWN,
                        "rolld is shutting down (" + why + ")"));
            }
        }
        LOG.info("{}", Logfmt.event("stopped").kv("exit_code", exitCode));
        return exitCode;
    }

    private static void shutdownGroup(Group group) {
        try {
            group.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
