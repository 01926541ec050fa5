package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's package) run once per page: {@code --dump-dom} for what a browser
 * made of it, {@code --screenshot} for a picture. Each run has a fresh profile directory; a run
 * that does not finish in time is killed with its whole tree, by pid.
 */
public final class Chromium {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    private Chromium() {
    }

    /** $ROLLD_CHROMIUM (set by scripts/test), PATH, or /usr/bin/chromium. */
    public static String binary() {
        String fromScripts = System.getenv("ROLLD_CHROMIUM");
        return fromScripts != null && !fromScripts.isBlank() ? fromScripts : Project.program("chromium", "/usr/bin/chromium");
    }

    /** The DOM after the page loaded, serialized. */
    public static String dumpDom(String url) {
        return run(List.of("--dump-dom", url));
    }

    /** A PNG of the page at {@code width} x {@code height} CSS pixels. */
    public static void screenshot(String url, Path png, int width, int height) {
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars", url));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot at " + png);
        }
    }

    private static String run(List<String> args) {
        Path dir = Project.scratch("chromium").resolve("run-" + System.nanoTime());
        List<String> command = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile")));
        command.addAll(args);
        Process process;
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectOutput(dir.resolve("stdout.html").toFile())
                    .redirectError(dir.resolve("stderr.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("chromium did not exit within " + RUN_TIMEOUT + ": " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("chromium exited with " + process.exitValue() + ": " + command + "\n"
                        + Files.readString(dir.resolve("stderr.log")));
            }
            return Files.readString(dir.resolve("stdout.html"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            // Chromium's helpers (zygote, renderer, GPU) are its descendants; none may outlive the run.
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
