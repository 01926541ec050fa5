package io.rolld.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The client commands' fast path reads what picocli would, and leaves everything else to picocli. */
class ClientArgsTest {
    private static <T> T parsed(Class<T> type, String... args) {
        return assertInstanceOf(type, ClientArgs.parse(args).orElseThrow(() -> new AssertionError("left to picocli")));
    }

    /** What picocli makes of the same arguments, for comparison. */
    private static <T> T picocli(T command, String... args) {
        new CommandLine(command).registerConverter(DurationOption.class, DurationOption::parse).parseArgs(args);
        return command;
    }

    @Test
    void status_withTheUsualArguments_isReadAsPicocliReadsIt() {
        for (String[] args : List.of(new String[] {"--json", "-c", "etc/rolld.yml"}, new String[] {"--socket", "/run/r.sock"},
                new String[0], new String[] {"--config", "x.yml", "--json"})) {
            String[] full = prepend("status", args);
            StatusCommand fast = parsed(StatusCommand.class, full);
            StatusCommand slow = picocli(new StatusCommand(), args);
            assertEquals(slow.json, fast.json, String.join(" ", full));
            assertEquals(slow.target.config, fast.target.config, String.join(" ", full));
            assertEquals(slow.target.socket, fast.target.socket, String.join(" ", full));
        }
    }

    @Test
    void restart_withGroupsWaitTimeoutAndJson_isReadAsPicocliReadsIt() {
        String[] args = {"app", "--wait", "--timeout", "90s", "api", "--json", "-c", "/srv/rolld.yml"};
        RestartCommand fast = parsed(RestartCommand.class, prepend("restart", args));
        RestartCommand slow = picocli(new RestartCommand(), args);

        assertEquals(List.of("app", "api"), fast.groups);
        assertEquals(slow.groups, fast.groups);
        assertTrue(fast.wait && fast.json);
        assertEquals(Duration.ofSeconds(90), fast.timeout.value());
        assertEquals(Path.of("/srv/rolld.yml"), fast.target.config);
    }

    @Test
    void restartAndStop_withoutTimeout_getTheDocumentedDefaults() {
        assertEquals(picocli(new RestartCommand()).timeout.value(), parsed(RestartCommand.class, "restart").timeout.value());
        assertEquals(picocli(new StopCommand()).timeout.value(), parsed(StopCommand.class, "stop", "--wait").timeout.value());
        assertEquals(picocli(new StatusCommand()).target.config, parsed(StatusCommand.class, "status").target.config);
        assertNull(parsed(StatusCommand.class, "status").target.socket);
    }

    @Test
    void anythingElse_isLeftToPicocli() {
        for (String[] args : List.of(new String[] {"status", "--help"}, new String[] {"status", "-h"},
                new String[] {"status", "--jsn"}, new String[] {"restart", "--timeout", "soon"},
                new String[] {"restart", "--timeout"}, new String[] {"stop", "-c"}, new String[] {"status", "--socket=/x"},
                new String[] {"rolld.yml"}, new String[] {"run", "rolld.yml"}, new String[] {"check", "rolld.yml"},
                new String[] {"reexec"}, new String[] {"--version"}, new String[0])) {
            assertFalse(ClientArgs.parse(args).isPresent(), String.join(" ", args));
        }
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
