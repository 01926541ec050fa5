package io.rolld.daemon;

import io.rolld.config.Config;
import io.rolld.config.ConfigException;
import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import io.rolld.drain.ProcNetTcp;
import io.rolld.process.PosixSignal;
import io.rolld.rollout.Group;
import io.rolld.rollout.RolloutEvent;
import io.rolld.rollout.RolloutResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
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

    private final Path configFile;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Consumer<RolloutEvent> eventLog = new EventLog();
    private final ProcNetTcp tcp = ProcNetTcp.system();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private Config config;

    private Daemon(Path configFile, Config config) {
        this.configFile = configFile;
        this.config = config;
    }

    /** What the loop reacts to. */
    private sealed interface Event {
        record SignalReceived(PosixSignal signal) implements Event {
        }

        record FirstStartFinished(RolloutResult result) implements Event {
        }
    }

    /** Runs rolld in the foreground until TERM or INT; returns the process exit code. */
    public static int run(Path configFile) {
        Config config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            LOG.error("{}", Logfmt.event("config_invalid").kv("error", e.getMessage()).kv("action", "nothing started"));
            return ExitCodes.CONFIG_INVALID;
        }
        return new Daemon(configFile, config).loop();
    }

    private int loop() {
        Signals.install(s -> events.add(new Event.SignalReceived(s)));
        LOG.info("{}", Logfmt.event("starting").kv("config", configFile).kv("pid", ProcessHandle.current().pid())
                .kv("groups", config.groups().stream().map(GroupConfig::name).toList()));
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
                    }
                }
                case Event.SignalReceived(PosixSignal signal) -> {
                    switch (signal) {
                        case HUP -> reload();
                        case TERM, INT -> {
                            return shutdown("received SIG" + signal, ExitCodes.OK);
                        }
                        case USR1 -> LOG.info("{}", Logfmt.event("signal").kv("signal", "USR1")
                                .kv("action", "none: rolld logs to stdout and workers append to their files"));
                        default -> LOG.warn("{}", Logfmt.event("signal").kv("signal", signal).kv("action", "ignored"));
                    }
                }
            }
        }
    }

    private Group addGroup(GroupConfig groupConfig) {
        Group group = new Group(groupConfig, configFile.toAbsolutePath().getParent(), tcp, eventLog);
        groups.put(groupConfig.name(), group);
        return group;
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
        }
        config = next;
        for (GroupConfig g : next.groups()) {
            Group existing = groups.get(g.name());
            if (existing == null) {
                LOG.info("{}", Logfmt.event("group_added").kv("group", g.name()));
                addGroup(g).requestRollout("HUP: group added");
            } else {
                existing.reconfigure(g);
                existing.requestRollout("HUP");
            }
        }
    }

    private int shutdown(String why, int exitCode) {
        LOG.info("{}", Logfmt.event("shutdown").kv("reason", why).kv("action", "stopping every worker gracefully"));
        groups.values().forEach(Daemon::shutdownGroup);
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
