package io.rolld.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Sends a named signal to a pid with {@code /bin/kill}, which the JDK cannot do by itself. */
public final class Signals {
    private Signals() {
    }

    /**
     * Sends signal {@code name} ("HUP", "TERM", "QUIT", "KILL", ...) to {@code pid}.
     *
     * @return true if kill succeeded; false if the process no longer exists (or is not ours)
     */
    public static boolean send(long pid, String name) {
        try {
            Process kill = new ProcessBuilder("/bin/kill", "-s", name, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("/bin/kill -s " + name + " " + pid + " did not finish in 10 s");
            }
            return kill.exitValue() == 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot run /bin/kill -s " + name + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling pid " + pid, e);
        }
    }
}
