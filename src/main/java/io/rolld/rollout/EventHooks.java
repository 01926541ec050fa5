package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.Supervision;
import io.rolld.os.ShellCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a group's {@code on_event} command for the events it asked for, with the details in
 * {@code ROLLD_*} environment variables. Commands run one at a time on their own thread, each
 * bounded by its timeout, at most {@link #QUEUE} waiting: a slow or failing command is reported
 * and never delays a rollout. Failures come back as {@link RolloutEvent.EventCommandFailed}.
 */
final class EventHooks implements Consumer<RolloutEvent> {
    static final int QUEUE = 64;

    private final Supplier<GroupConfig> config;
    private final Path directory;
    private final Consumer<RolloutEvent> report;
    private final ThreadPoolExecutor runner;

    /** @param directory where commands run: the directory of rolld.yml */
    EventHooks(Supplier<GroupConfig> config, Path directory, Consumer<RolloutEvent> report) {
        this.config = config;
        this.directory = directory;
        this.report = report;
        this.runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().name("on-event-" + config.get().name()).daemon().factory());
    }

    @Override
    public void accept(RolloutEvent event) {
        Optional<Supervision.OnEvent> onEvent = config.get().supervision().onEvent();
        if (onEvent.isEmpty()) {
            return;
        }
        if (!(event instanceof RolloutEvent.Notable notable) || !onEvent.get().events().contains(notable.kind())) {
            return;
        }
        Optional<Map<String, String>> env = environment(event);
        if (env.isEmpty()) {
            return;
        }
        String name = env.get().get("ROLLD_EVENT");
        try {
            runner.execute(() -> run(onEvent.get(), name, env.get()));
        } catch (RejectedExecutionException e) {
            report.accept(new RolloutEvent.EventCommandFailed(event.group(), name,
                    "dropped: " + QUEUE + " commands already waiting (the command is too slow for the events)"));
        }
    }

    private void run(Supervision.OnEvent onEvent, String name, Map<String, String> env) {
        String group = env.get("ROLLD_GROUP");
        try {
            ShellCommand.Result result = ShellCommand.run(onEvent.command(), directory, env, onEvent.timeout());
            if (!result.succeeded()) {
                report.accept(new RolloutEvent.EventCommandFailed(group, name, result.describe()));
            }
        } catch (IOException e) {
            report.accept(new RolloutEvent.EventCommandFailed(group, name, "cannot run '" + onEvent.command() + "': " + e.getMessage()));
        }
    }

    /** Lets queued commands finish within their timeouts, then stops the thread. */
    void close(Duration grace) throws InterruptedException {
        runner.shutdown();
        if (!runner.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            runner.shutdownNow();
        }
    }

    /** The variables for {@code event}; empty for events no command is told about. */
    static Optional<Map<String, String>> environment(RolloutEvent event) {
        if (!(event instanceof RolloutEvent.Notable notable)) {
            return Optional.empty();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ROLLD_GROUP", event.group());
        env.put("ROLLD_EVENT", event.name());
        env.put("ROLLD_GENERATION", Long.toString(notable.generation()));
        env.put("ROLLD_REASON", notable.reason());
        for (EventField f : event.fields()) {
            f.env().ifPresent(name -> env.put(name, f.text()));
        }
        return Optional.of(env);
    }
}
