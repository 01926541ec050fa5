package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.FreePorts;
import io.rolld.testing.Polling;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Built-in rotation of a worker's files under a real rolld: a worker that writes numbered 100-byte
 * lines to stdout and stderr, paced, while rolld copies and truncates its files; every line that
 * is in no file afterwards is counted as lost.
 */
class LogRotationIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    private static final Duration WRITING = Duration.ofSeconds(120);
    private static final int LINE = 100;
    private static final Pattern NUMBERED = Pattern.compile("^(out|err) (\\d{9}) ");
    /**
     * Binds its port, waits for GO_FILE (if set), writes OUT_MB and ERR_MB of numbered lines over
     * SECONDS (a file past WAIT_ABOVE bytes waits for its rotation first), then DONE_FILE.
     */
    private static final String WRITER = """
            import os, signal, socket, sys, time
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", int(sys.argv[1])))
            s.listen(16)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            go = os.environ.get("GO_FILE")
            while go and not os.path.exists(go):
                time.sleep(0.05)
            LINE = 100
            def lines(stream, first, count):
                return b"".join(("%s %09d " % (stream, n)).ljust(LINE - 1, "x").encode() + b"\\n" for n in range(first, first + count))
            totals = {"out": int(os.environ["OUT_MB"]) * 1000000 // LINE, "err": int(os.environ["ERR_MB"]) * 1000000 // LINE}
            written = {"out": 0, "err": 0}
            fds = {"out": 1, "err": 2}
            seconds = float(os.environ["SECONDS"])
            wait_above = int(os.environ.get("WAIT_ABOVE") or 0)
            start = time.monotonic()
            while any(written[k] < totals[k] for k in totals):
                for k in totals:
                    if written[k] < totals[k] and written[k] * totals["out"] <= written["out"] * totals[k]:
                        waited = time.monotonic()  # a file past WAIT_ABOVE waits for its rotation: copies stay near max_size
                        while wait_above and os.fstat(fds[k]).st_size > wait_above and time.monotonic() - waited < 30:
                            time.sleep(0.01)
                        count = min(1000, totals[k] - written[k])
                        os.write(fds[k], lines(k, written[k] + 1, count))  # one write: all of it or none is before a truncate
                        written[k] += count
                ahead = start + seconds * written["out"] / totals["out"] - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            with open(os.environ["DONE_FILE"] + ".tmp", "w") as f:
                f.write("%d %d %d\\n" % (os.getpid(), written["out"], written["err"]))
            os.rename(os.environ["DONE_FILE"] + ".tmp", os.environ["DONE_FILE"])
            while True:
                signal.pause()
            """;

    private record Setup(Path dir, Path config, int port) {
        Path file(String stream) {
            return dir.resolve("logs/writer-" + port + (stream.equals("out") ? ".log" : ".err"));
        }
    }

    private static Setup write(String name, String settings, String env) throws IOException {
        Path dir = Project.scratch("logs").resolve(name + "-" + System.nanoTime());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("writer.py"), WRITER);
        List<Integer> ports = FreePorts.distinct(2);
        Files.writeString(dir.resolve("rolld.yml"), settings + """
                writer:
                  cmd: '%s writer.py {numproc}'
                  stdout: 'logs/writer-{numproc}.log'
                  stderr: 'logs/writer-{numproc}.err'
                  stop_timeout: 5s
                  env: {DONE_FILE: '%s', %s}
                  workset:
                    - numprocs: [%d]
                    - numprocs: [%d]
                  smoke_test:
                    - tcp: numprocs
                """.formatted(Project.program("python3", "/usr/bin/python3"), dir.resolve("done"), env, ports.get(0), ports.get(1)));
        return new Setup(dir, dir.resolve("rolld.yml"), ports.get(0));
    }

    /** The writer's pid and the lines it wrote to stdout and stderr, once it is done. */
    private static long[] awaitDone(Setup s) throws IOException {
        Path done = s.dir().resolve("done");
        Polling.require(() -> Files.exists(done), WRITING, "the writer to finish (" + done + ")");
        String[] f = Files.readString(done).trim().split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    /** The stream's files, oldest copy first, the file itself last. */
    private static List<Path> files(Path file) throws IOException {
        List<Path> copies = new ArrayList<>();
        try (Stream<Path> all = Files.list(file.getParent())) {
            all.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".")).forEach(copies::add);
        }
        copies.sort((a, b) -> Integer.compare(number(b), number(a)));
        copies.add(file);
        return copies;
    }

    private static int number(Path copy) {
        Matcher m = Pattern.compile("\\.(\\d+)(\\.gz)?$").matcher(copy.getFileName().toString());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The line numbers of a file, read with zcat when compressed (zcat must exit 0). */
    private static List<Long> numbers(Path file) throws IOException, InterruptedException {
        List<Long> numbers = new ArrayList<>();
        boolean gz = file.toString().endsWith(".gz");
        Process zcat = gz ? new ProcessBuilder("zcat", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start() : null;
        try (BufferedReader in = gz ? new BufferedReader(new InputStreamReader(zcat.getInputStream(), StandardCharsets.UTF_8))
                : Files.newBufferedReader(file)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Matcher m = NUMBERED.matcher(line);
                assertTrue(m.find() && line.length() == LINE - 1, "not a whole line of the writer in " + file + ": " + line);
                numbers.add(Long.parseLong(m.group(2)));
            }
        } finally {
            if (zcat != null) {
                assertTrue(zcat.waitFor(60, TimeUnit.SECONDS), "zcat " + file);
                assertEquals(0, zcat.exitValue(), "zcat " + file);
            }
        }
        return numbers;
    }

    /** Lines 1..total that are in none of the files but after the first line kept: lost by a copy and truncate. */
    private static List<Long> lost(List<Long> kept, long total) {
        List<Long> lost = new ArrayList<>();
        long expected = kept.isEmpty() ? total + 1 : kept.getFirst();
        for (long n : kept) {
            assertTrue(n >= expected, "line " + n + " out of order or twice (expected " + expected + " or later)");
            for (long m = expected; m < n; m++) {
                lost.add(m);
            }
            expected = n + 1;
        }
        for (long m = expected; m <= total; m++) {
            lost.add(m);
        }
        return lost;
    }

    private static List<Long> keptLines(Path file) throws IOException, InterruptedException {
        List<Long> all = new ArrayList<>();
        for (Path f : files(file)) {
            all.addAll(numbers(f));
        }
        return all;
    }

    /** Rotation is over once the files are under their limit and no copy is still being compressed. */
    private static void awaitRotationsOver(Setup s, long maxSize) {
        Polling.require(() -> {
            try {
                for (String stream : List.of("out", "err")) {
                    if (Files.size(s.file(stream)) > maxSize || files(s.file(stream)).stream().anyMatch(p ->
                            p.toString().endsWith(".partial") || p.getFileName().toString().matches(".*\\.\\d+$"))) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, ROLLOUT, "rotation of " + s.dir() + " to settle");
    }

    private static List<String> rotations(Rolld rolld, Path file) {
        return rolld.lines().stream().filter(l -> l.contains("event=log_rotated group=writer file=" + file + " ")).toList();
    }

    private static long sum(List<String> rotations, String key) {
        return rotations.stream().mapToLong(l -> {
            Matcher m = Pattern.compile(" " + key + "=(\\d+)").matcher(l);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }).sum();
    }

    private static long max(List<String> rotations, String key) {
        return rotations.stream().mapToLong(l -> {
            Matcher m = Pattern.compile(" " + key + "=(\\d+)").matcher(l);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }).max().orElse(0);
    }

    @Test
    void worker60MB_maxSize10MBKeep3Compressed_endsWithFourFilesPerStreamReadableByZcatAndIsNeverRestarted() throws Exception {
        Setup s = write("rotation", "rolld:\n  logs: {max_size: 10MB, keep: 3, compress: true}\n", "OUT_MB: '60', ERR_MB: '60', SECONDS: '10', WAIT_ABOVE: '11000000'");
        try (Rolld rolld = Rolld.start(s.config())) {
            rolld.awaitLine("event=ready ", ROLLOUT);
            long[] done = awaitDone(s);
            awaitRotationsOver(s, 10_000_000);
            StringBuilder report = new StringBuilder("LogRotationIT: 60 MB on stdout and 60 MB on stderr in 10 s, max_size 10MB, keep 3:");
            for (String stream : List.of("out", "err")) {
                Path file = s.file(stream);
                long total = stream.equals("out") ? done[1] : done[2];
                List<Path> files = files(file);
                List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
                String base = file.getFileName().toString();
                assertTrue(files.size() <= 4, "at most 4 files per stream: " + names);
                assertEquals(List.of(base + ".3.gz", base + ".2.gz", base + ".1.gz", base), names, "copies 1-3, compressed; older ones removed");
                List<Long> kept = keptLines(file);
                List<Long> lost = lost(kept, total);
                List<String> rotated = rotations(rolld, file);
                assertTrue(rotated.size() >= 5, "rotations of " + file + ": " + rotated.size());
                long removedByKeep = kept.getFirst() - 1;
                report.append(String.format("%n  %s: %d lines written, %d rotations, %d removed with copies beyond keep, %d kept,"
                                + " %d lost between the copies kept (rolld saw %d bytes written after a copy; truncate window max %d us)",
                        stream, total, rotated.size(), removedByKeep, kept.size(), lost.size(), sum(rotated, "lost_bytes"),
                        max(rotated, "window_us")));
                assertTrue(lost.size() <= total / 100, "lost " + lost.size() + " of " + total + " lines: " + lost.subList(0, Math.min(20, lost.size())));
                assertEquals(total, kept.getLast(), "the last line written is in " + file);
            }
            System.out.println(report);
            long pid = Long.parseLong(rolld.awaitLine("event=worker_started group=writer ", ROLLOUT).replaceAll(".* pid=(\\d+).*", "$1"));
            assertEquals(done[0], pid, "the worker that wrote is the first and only one");
            assertEquals(1, rolld.lines().stream().filter(l -> l.contains("event=worker_started group=writer ")).count());
            assertFalse(rolld.lines().stream().anyMatch(l -> l.contains("event=worker_crashed")), "never restarted");
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
        }
    }

    @Test
    void follow_throughCopyTruncateAndCompression_showsEveryLineStillInAFileOnceAndInOrder() throws Exception {
        Setup s = write("follow-rotation", "", "OUT_MB: '3', ERR_MB: '2', SECONDS: '4', GO_FILE: '" + "GO" + "'");
        Files.writeString(s.config(), Files.readString(s.config()).replace("stop_timeout: 5s\n",
                "stop_timeout: 5s\n  logs: {max_size: 500KB, keep: 20, compress: true}\n"));
        try (Rolld rolld = Rolld.start(s.config())) {
            rolld.awaitLine("event=ready ", ROLLOUT);
            long pid = Long.parseLong(rolld.awaitLine("event=worker_started group=writer ", ROLLOUT).replaceAll(".* pid=(\\d+).*", "$1"));
            List<String> command = List.of(Project.root().resolve("scripts").resolve("rolld").toString(), "logs", "writer", "-f", "-n", "1",
                    "-c", s.config().toString());
            try (Rolld follower = Rolld.launch(command, s.dir(), "logs-follow-rotation")) {
                follower.awaitLine("^rolld\\|event=ready ", ROLLOUT);
                Files.writeString(s.dir().resolve("GO"), "go");
                long[] done = awaitDone(s);
                awaitRotationsOver(s, 500_000);
                for (String stream : List.of("out", "err")) {
                    long total = stream.equals("out") ? done[1] : done[2];
                    String prefix = "writer " + s.port() + " pid " + pid + " " + stream + "|";
                    follower.awaitLine("^" + Pattern.quote(prefix + String.format("%s %09d ", stream, total)), ROLLOUT);
                    List<Long> shown = new ArrayList<>();
                    for (String l : follower.lines()) {
                        if (l.startsWith(prefix)) {
                            Matcher m = NUMBERED.matcher(l.substring(prefix.length()));
                            assertTrue(m.find(), l);
                            shown.add(Long.parseLong(m.group(2)));
                        }
                    }
                    List<Long> lostByRotation = lost(keptLines(s.file(stream)), total);
                    List<Long> notShown = lost(shown, total); // also fails on a line shown twice or out of order
                    int rotated = rotations(rolld, s.file(stream)).size();
                    System.out.printf("LogRotationIT: rolld logs -f through %d rotations of %s: %d lines shown of %d written, %d lost by"
                            + " the rotations (in no file), %d not shown%n", rotated, stream, shown.size(), total, lostByRotation.size(),
                            notShown.size());
                    assertTrue(rotated >= 2, rotated + " rotations");
                    assertEquals(lostByRotation, notShown, "every line still in a file was shown");
                }
            }
        }
    }

    @Test
    void ownLogFile_pastMaxSize_isRenamedAndReopenedWithoutLosingALine() throws Exception {
        Setup s = write("own-log", "rolld:\n  logs: {max_size: 2KB, keep: 50, compress: true}\n", "OUT_MB: '0', ERR_MB: '0', SECONDS: '1'");
        Path log = s.dir().resolve("rolld.log");
        try (Rolld rolld = Rolld.start(s.config(), "--log-file", log.toString())) {
            Polling.require(() -> text(log).contains("event=ready "), ROLLOUT, "event=ready in " + log);
            // How many lines a rollout logs varies with timing; restart until the log was rotated twice (2 KB each), at most 12 times.
            int last = 1;
            while (last < 13 && (last < 4 || copies(log).size() < 2)) {
                last++;
                List<String> command = List.of(Project.root().resolve("scripts").resolve("rolld").toString(), "restart", "--wait",
                        "-c", s.config().toString());
                try (Rolld restart = Rolld.launch(command, s.dir(), "restart")) {
                    assertEquals(0, restart.awaitExit(ROLLOUT), String.join("\n", restart.lines()));
                }
            }
            Polling.require(() -> copies(log).stream().allMatch(p -> p.toString().endsWith(".gz")), ROLLOUT, "compressed copies");
            List<String> lines = new ArrayList<>();
            for (Path copy : copies(log).reversed()) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(new java.util.zip.GZIPInputStream(Files.newInputStream(copy)),
                        StandardCharsets.UTF_8))) {
                    in.lines().forEach(lines::add);
                }
            }
            lines.addAll(Files.readAllLines(log));
            System.out.println("LogRotationIT: rolld's own log in " + (copies(log).size() + 1) + " files, " + lines.size() + " lines");
            assertTrue(copies(log).size() >= 2, copies(log).toString());
            assertTrue(lines.getFirst().contains("event=starting "), lines.getFirst());
            for (int generation = 2; generation <= last; generation++) {
                String succeeded = "event=rollout_succeeded group=writer generation=" + generation + " ";
                assertEquals(1, lines.stream().filter(l -> l.contains(succeeded)).count(), succeeded + " once in:\n" + String.join("\n", lines));
            }
            List<String> stamped = lines.stream().filter(l -> !l.startsWith(" ")).toList(); // a detail's lines are indented
            assertEquals(stamped.size(), stamped.stream().distinct().count(), "no line twice");
            for (int i = 1; i < stamped.size(); i++) {
                assertTrue(stamped.get(i - 1).substring(0, 24).compareTo(stamped.get(i).substring(0, 24)) <= 0,
                        "in time order: " + stamped.get(i - 1) + " / " + stamped.get(i));
            }
        }
    }

    private static List<Path> copies(Path log) {
        try (Stream<Path> all = Files.list(log.getParent())) {
            return all.filter(p -> p.getFileName().toString().matches(Pattern.quote(log.getFileName().toString()) + "\\.\\d+(\\.gz)?"))
                    .sorted((a, b) -> Integer.compare(number(a), number(b))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
