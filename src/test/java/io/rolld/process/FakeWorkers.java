package io.rolld.process;

import io.rolld.os.Exit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Workers with no process behind them, for unit tests: each has a pid above any kernel's
 * pid_max (so nothing can ever signal a real process through it) and exits when its
 * {@link Worker#exit()} is completed.
 */
public final class FakeWorkers {
    /** Above 2^22, the largest pid_max Linux allows. */
    private static final AtomicLong NEXT_PID = new AtomicLong(90_000_000);

    private FakeWorkers() {
    }

    public static Worker running(int port) {
        CompletableFuture<Exit> exit = new CompletableFuture<>();
        return new Worker(port, new FakeProcess(NEXT_PID.incrementAndGet(), exit), exit, Optional.empty());
    }

    public static Worker exited(int port, Exit how) {
        Worker w = running(port);
        w.exit().complete(how);
        return w;
    }

    /** A process handle that only knows its pid and whether its exit completed. */
    private record FakeProcess(long pid, CompletableFuture<Exit> exit) implements ProcessHandle {
        @Override
        public Optional<ProcessHandle> parent() {
            return Optional.empty();
        }

        @Override
        public Stream<ProcessHandle> children() {
            return Stream.empty();
        }

        @Override
        public Stream<ProcessHandle> descendants() {
            return Stream.empty();
        }

        @Override
        public Info info() {
            return new Info() {
                @Override
                public Optional<String> command() {
                    return Optional.empty();
                }

                @Override
                public Optional<String> commandLine() {
                    return Optional.empty();
                }

                @Override
                public Optional<String[]> arguments() {
                    return Optional.empty();
                }

                @Override
                public Optional<java.time.Instant> startInstant() {
                    return Optional.empty();
                }

                @Override
                public Optional<java.time.Duration> totalCpuDuration() {
                    return Optional.empty();
                }

                @Override
                public Optional<String> user() {
                    return Optional.empty();
                }
            };
        }

        @Override
        public CompletableFuture<ProcessHandle> onExit() {
            return exit.thenApply(e -> this);
        }

        @Override
        public boolean supportsNormalTermination() {
            return true;
        }

        @Override
        public boolean destroy() {
            throw new UnsupportedOperationException("a fake worker is stopped through a fake Stopper");
        }

        @Override
        public boolean destroyForcibly() {
            throw new UnsupportedOperationException("a fake worker is stopped through a fake Stopper");
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public int compareTo(ProcessHandle other) {
            return Long.compare(pid, other.pid());
        }
    }
}
