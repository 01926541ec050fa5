package io.rolld.os;

import io.rolld.config.PosixSignal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.HeldSocketConfig;
import io.rolld.testing.Orphan;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class HeldSocketRecoveryTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Binds 127.0.0.1:0, writes "fd port" to argv[1], then sleeps: a worker holding its socket. */
    private static final String HOLDER = "import socket,sys,time\n"
            + "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(16)\n"
            + "open(sys.argv[1]+'.tmp','w').write('%d %d' % (s.fileno(), s.getsockname()[1]))\n"
            + "import os; os.rename(sys.argv[1]+'.tmp', sys.argv[1])\n"
            + "time.sleep(300)\n";

    @TempDir
    Path dir;

    private record Holder(Orphan process, int fd, int port) implements AutoCloseable {
        @Override
        public void close() {
            process.close();
        }
    }

    private Holder startHolder() throws Exception {
        Path script = Files.writeString(dir.resolve("holder.py"), HOLDER);
        Path out = dir.resolve("holder.out");
        Orphan process = Orphan.start("exec python3 " + script + " " + out);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!Files.exists(out)) {
            if (System.nanoTime() > deadline || !ProcessHandle.of(process.pid).map(ProcessHandle::isAlive).orElse(false)) {
                process.close();
                throw new IllegalStateException("the socket holder did not report its socket");
            }
            Thread.sleep(20); // waiting for a file another process writes; the check is the loop condition
        }
        String[] f = Files.readString(out).split(" ");
        return new Holder(process, Integer.parseInt(f[0]), Integer.parseInt(f[1]));
    }

    private static HeldSocketConfig inet(String host, int port) {
        return new HeldSocketConfig(new HeldSocketConfig.Inet(host, port), "web", 16, false, false, Optional.empty());
    }

    @Test
    void copy_ofAnotherProcesssListeningSocket_keepsAcceptingAfterThatProcessDied() throws Exception {
        try (Holder holder = startHolder()) {
            assertFalse(holder.process().isOurChild());
            try (HeldSocket copy = HeldSocketRecovery.copy(holder.process().pid, holder.process().startTime(), holder.fd(),
                    inet("127.0.0.1", holder.port()))) {
                assertEquals(holder.port(), copy.port());
                assertTrue(copy.fd() >= HeldSocket.LOWEST_FD, "fd " + copy.fd());
                var gone = ProcessWatch.shared().onExit(holder.process().pid, holder.process().startTime());
                SignalCalls.kill(holder.process().pid, PosixSignal.KILL.number());
                gone.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                // The holder is gone: only our copy keeps the socket, so the kernel still completes connections.
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), holder.port()), 10_000);
                    assertTrue(client.isConnected());
                }
            }
        }
    }

    @Test
    void copy_whenTheSocketIsBoundElsewhere_refusesItNamingBothAddresses() throws Exception {
        try (Holder holder = startHolder()) {
            int other = holder.port() == 65535 ? 1 : holder.port() + 1;
            var e = assertThrows(IOException.class, () -> HeldSocketRecovery.copy(holder.process().pid, holder.process().startTime(),
                    holder.fd(), inet("127.0.0.1", other)));
            assertEquals("pid " + holder.process().pid + " fd " + holder.fd() + " is bound to 127.0.0.1:" + holder.port()
                    + ", not to 127.0.0.1:" + other, e.getMessage());
        }
    }

    @Test
    void copy_ofADescriptorThatIsNotASocket_refusesIt() throws Exception {
        try (Holder holder = startHolder()) {
            var e = assertThrows(IOException.class, () -> HeldSocketRecovery.copy(holder.process().pid, holder.process().startTime(),
                    0, inet("127.0.0.1", 0)));
            assertTrue(e.getMessage().startsWith("pid " + holder.process().pid + " fd 0 is not a listening socket: "), e.getMessage());
        }
    }

    @Test
    void copy_whenThePidBelongsToAnotherProcessNow_refusesIt() throws Exception {
        try (Holder holder = startHolder()) {
            var e = assertThrows(IOException.class, () -> HeldSocketRecovery.copy(holder.process().pid, holder.process().startTime() + 1,
                    holder.fd(), inet("127.0.0.1", holder.port())));
            assertTrue(e.getMessage().endsWith("the pid belongs to another process now"), e.getMessage());
        }
    }
}
