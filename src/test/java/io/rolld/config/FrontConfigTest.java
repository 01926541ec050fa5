package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code front:} as the rollout reads it; refusals are in the bad-configs corpus ({@code front-*.yml}). */
class FrontConfigTest {
    @TempDir
    Path dir;

    private GroupConfig load(String groupLines) throws IOException, ConfigException {
        Path file = dir.resolve("rolld.yml");
        Files.writeString(file, """
                app:
                  cmd: ./server {numproc}
                  workset:
                    - numprocs: [8001, 8002]
                    - numprocs: [8003, 8004]
                """ + groupLines);
        return ConfigLoader.load(file).groups().getFirst();
    }

    @Test
    void load_whenNoFront_theHooksAreTheFront() throws Exception {
        assertEquals(FrontConfig.HOOKS, load("").front());
    }

    @Test
    void load_whenHaproxyOnARelativeUnixSocket_resolvesItAgainstTheConfigDirectory() throws Exception {
        Files.createDirectories(dir.resolve("run"));

        FrontConfig front = load("  front: {haproxy: {socket: run/admin.sock, backend: app-servers}}\n").front();

        assertEquals(new FrontConfig.Haproxy(new FrontConfig.AdminSocket.Unix(dir.resolve("run/admin.sock")), "app-servers"), front);
    }

    @Test
    void load_whenHaproxyOnLoopbackTcp_keepsAddressAndPort() throws Exception {
        FrontConfig front = load("  front:\n    haproxy:\n      socket: '[::1]:9999'\n      backend: app\n").front();

        FrontConfig.Haproxy haproxy = (FrontConfig.Haproxy) front;
        assertEquals(new FrontConfig.AdminSocket.Tcp(InetAddress.ofLiteral("::1"), 9999), haproxy.socket());
        assertEquals("[0:0:0:0:0:0:0:1]:9999", haproxy.socket().toString());
    }

    @Test
    void load_whenCanaryWithHaproxyAndNoTemplate_accepted() throws Exception {
        GroupConfig group = load("  front: {haproxy: {socket: '127.0.0.1:9999', backend: app}}\n  canary:\n    - {weight: 25, pause: 1m}\n");

        assertEquals(List.of(25), group.delivery().canary().stream().map(Delivery.CanaryStep::weight).toList());
    }
}
