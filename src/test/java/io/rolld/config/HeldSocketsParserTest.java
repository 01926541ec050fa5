package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeldSocketsParserTest {
    private static final Path FILE = Path.of("/srv/app/rolld.yml");

    @Test
    void parse_everyAddressFormAndOption_buildsTheHeldSockets() throws Exception {
        GroupConfig g = ConfigLoader.parse("""
                web:
                  cmd: python3 app.py
                  directory: /tmp
                  listen:
                    - 8080
                    - 127.0.0.1:8081
                    - address: '[::1]:8082'
                      name: v6
                      backlog: 64
                      reuse_port: true
                      ipv6_only: true
                    - address: unix:run/app.sock
                      mode: '0660'
                  workers: 4
                  ready: alive 2s
                """, FILE).group("web").orElseThrow();
        HeldSockets held = (HeldSockets) g.mode();
        assertEquals(List.of(
                new HeldSocketConfig(new HeldSocketConfig.Inet("", 8080), "web", HeldSocketConfig.DEFAULT_BACKLOG, false, false, Optional.empty()),
                new HeldSocketConfig(new HeldSocketConfig.Inet("127.0.0.1", 8081), "web", HeldSocketConfig.DEFAULT_BACKLOG, false, false, Optional.empty()),
                new HeldSocketConfig(new HeldSocketConfig.Inet("::1", 8082), "v6", 64, true, true, Optional.empty()),
                new HeldSocketConfig(new HeldSocketConfig.Unix(Path.of("/srv/app/run/app.sock")), "web", HeldSocketConfig.DEFAULT_BACKLOG, false, false, Optional.of(0660))),
                held.listen());
        assertEquals(4, held.workers());
        assertEquals(new HeldSockets.Ready.AliveFor(Duration.ofSeconds(2)), held.ready());
        assertEquals(List.of("8080", "127.0.0.1:8081", "[::1]:8082", "/srv/app/run/app.sock"),
                held.listen().stream().map(l -> l.address().starterKey()).toList());
    }

    @Test
    void parse_defaults_oneWorkerReadyWhenAliveAfterOneSecond() throws Exception {
        HeldSockets held = (HeldSockets) ConfigLoader.parse("""
                web:
                  cmd: python3 app.py
                  directory: /tmp
                  listen: 127.0.0.1:8080
                """, FILE).group("web").orElseThrow().mode();
        assertEquals(1, held.workers());
        assertEquals(new HeldSockets.Ready.AliveFor(Duration.ofSeconds(1)), held.ready());
    }

    @Test
    void parse_readyNotify_isSystemdsRule() throws Exception {
        HeldSockets held = (HeldSockets) ConfigLoader.parse("""
                web:
                  cmd: python3 app.py
                  directory: /tmp
                  listen: 127.0.0.1:8080
                  ready: notify
                """, FILE).group("web").orElseThrow().mode();
        assertEquals(new HeldSockets.Ready.Notify(), held.ready());
    }
}
