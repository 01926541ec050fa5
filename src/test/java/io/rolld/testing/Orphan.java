package io.rolld.testing;

import io.rolld.os.ProcessStartTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A process that is not this JVM's child: started by {@code setsid sh -c 'CMD &'}, whose shell
 * exits at once, so the process is re-parented (to init or a subreaper), as a worker is after
 * rolld crashed. {@link #close()} SIGKILLs it by pid.
 */
public final class Orphan implements AutoCloseable {
    public final long pid;

    private Orphan(long pid) {
        this.pid = pid;
    }

    /** Starts {@code command}, one simple command for sh (output discarded), detached from this JVM. */
    public static Orphan start(String command) throws IOException, InterruptedException {
        Process sh = new ProcessBuilder("setsid", "sh", "-c", command + " </dev/null >/dev/null 2>&1 & echo $!")
                .redirectErrorStream(true).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!sh.waitFor(30, TimeUnit.SECONDS) || sh.exitValue() != 0 || !out.matches("[0-9]+")) {
            sh.destroyForcibly();
            throw new IllegalStateException("could not start an orphan '" + command + "': " + out);
        }
        return new Orphan(Long.parseLong(out));
    }

    public long startTime() {
        return ProcessStartTime.system().of(pid).orElseThrow();
    }

    public boolean isOurChild() {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(p -> p.pid() == ProcessHandle.current().pid()).orElse(false);
    }

    @Override
    public void close() {
        Signals.send(pid, "KILL");
    }
}
