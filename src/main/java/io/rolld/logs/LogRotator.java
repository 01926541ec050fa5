package io.rolld.logs;

import io.rolld.config.GroupConfig;
import io.rolld.config.LogRotation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Rotates log files that passed their {@code max_size}, checked every {@link #INTERVAL} on a thread
 * of its own (a rollout never waits for it): every file the groups' workers write to, by copy and
 * truncate ({@link FileRotation}), and rolld's own {@code --log-file}, by rename and reopen. A
 * copy is compressed on another thread, so other files' checks go on meanwhile; its own file is
 * not rotated again before that ends. Each rotation, and each new failure, is reported once.
 */
public final class LogRotator implements AutoCloseable {
    public static final Duration INTERVAL = Duration.ofMillis(500);

    /** What happened to one file; {@code group} is empty for rolld's own log. */
    public sealed interface Outcome {
        Optional<String> group();

        Path file();

        /** {@code size} bytes were rotated; {@code copy} holds them (absent with {@code keep: 0}). */
        record Rotated(Optional<String> group, Path file, long size, Optional<Path> copy, int keep, long lostBytes,
                       long windowMicros, long elapsedMs, String method) implements Outcome {
        }

        record Failed(Optional<String> group, Path file, String error) implements Outcome {
        }
    }

    /** rolld's own log file and how to point its writer at a new file of the same name. */
    public record OwnLog(Path file, Runnable reopen) {
    }

    private final Supplier<List<GroupConfig>> groups;
    private final Supplier<Optional<LogRotation>> ownPolicy;
    private final Optional<OwnLog> ownLog;
    private final Consumer<Outcome> report;
    /** The last error per failing file, so a file that keeps failing is reported once. */
    private final Map<Path, String> failing = new ConcurrentHashMap<>();
    /** Files whose last copy is being compressed. */
    private final Set<Path> compressing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final ExecutorService compressor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("log-compression").factory());

    LogRotator(Supplier<List<GroupConfig>> groups, Supplier<Optional<LogRotation>> ownPolicy, Optional<OwnLog> ownLog,
               Consumer<Outcome> report) {
        this.groups = groups;
        this.ownPolicy = ownPolicy;
        this.ownLog = ownLog;
        this.report = report;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("log-rotation").factory());
    }

    /** Starts checking every {@link #INTERVAL}; groups and policies are read at each check, so a HUP's changes apply. */
    public static LogRotator start(Supplier<List<GroupConfig>> groups, Supplier<Optional<LogRotation>> ownPolicy,
                                   Optional<OwnLog> ownLog, Consumer<Outcome> report) {
        LogRotator rotator = new LogRotator(groups, ownPolicy, ownLog, report);
        rotator.timer.scheduleWithFixedDelay(rotator::check, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return rotator;
    }

    /** One round: every file over its limit is rotated. */
    void check() {
        for (GroupConfig group : groups.get()) {
            if (group.logs().isEmpty()) {
                continue;
            }
            for (GroupFiles.LogFile f : GroupFiles.of(group)) {
                rotateIfOver(Optional.of(group.name()), f.path(), group.logs().get(), null);
            }
        }
        Optional<LogRotation> own = ownPolicy.get();
        if (own.isPresent() && ownLog.isPresent()) {
            rotateIfOver(Optional.empty(), ownLog.get().file(), own.get(), ownLog.get().reopen());
        }
    }

    private void rotateIfOver(Optional<String> group, Path file, LogRotation policy, Runnable reopen) {
        if (compressing.contains(file)) {
            return;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() <= policy.maxSize()) {
                return; // /dev/null, a pipe or a symlink is left alone, as logrotate does
            }
            long start = System.nanoTime();
            FileRotation.Result r = reopen == null ? FileRotation.copyAndTruncate(file, policy)
                    : FileRotation.renameAndReopen(file, policy, reopen);
            failing.remove(file);
            String method = reopen == null ? "copy_truncate" : "rename_reopen";
            if (policy.compress() && r.copy().isPresent()) {
                compressing.add(file);
                compressor.submit(() -> {
                    try {
                        Path gz = FileRotation.gzip(r.copy().get());
                        report.accept(rotated(group, file, a.size(), Optional.of(gz), policy, r, start, method));
                    } catch (IOException | RuntimeException e) {
                        report.accept(new Outcome.Failed(group, file, "compressing " + r.copy().get() + ": " + e));
                    } finally {
                        compressing.remove(file);
                    }
                });
            } else {
                report.accept(rotated(group, file, a.size(), r.copy(), policy, r, start, method));
            }
        } catch (NoSuchFileException e) {
            failing.remove(file); // not written yet, or its worksets' other ports: nothing to rotate
        } catch (IOException | RuntimeException e) {
            String error = e.toString();
            if (!error.equals(failing.put(file, error))) {
                report.accept(new Outcome.Failed(group, file, error));
            }
        }
    }

    private static Outcome.Rotated rotated(Optional<String> group, Path file, long size, Optional<Path> copy, LogRotation policy,
                                           FileRotation.Result r, long start, String method) {
        return new Outcome.Rotated(group, file, size, copy, policy.keep(), r.lostBytes(), TimeUnit.NANOSECONDS.toMicros(r.windowNanos()),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), method);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        compressor.shutdownNow();
    }
}
