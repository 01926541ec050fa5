package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogRotationParserTest {
    private static final String GROUP = """
            app:
              cmd: ./server {numproc}
              workset:
                - numprocs: [8001, 8002]
                - numprocs: [8003, 8004]
            """;

    private static Config parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Path.of("src/test/resources/rolld.yml"));
    }

    @Test
    void parse_withoutLogs_rotatesNothing() throws ConfigException {
        Config c = parse(GROUP);

        assertEquals(Optional.empty(), c.settings().logs());
        assertEquals(Optional.empty(), c.groups().getFirst().logs());
    }

    @Test
    void parse_defaultUnderRolld_appliesToEveryGroupAndRolldsOwnLog() throws ConfigException {
        Config c = parse("rolld:\n  logs: {max_size: 50MB, keep: 3, compress: true}\n" + GROUP);

        LogRotation expected = new LogRotation(50_000_000, 3, true);
        assertEquals(Optional.of(expected), c.settings().logs());
        assertEquals(Optional.of(expected), c.groups().getFirst().logs());
    }

    @Test
    void parse_groupKeys_overrideTheDefaultOneByOne() throws ConfigException {
        Config c = parse("rolld:\n  logs: {max_size: 50MB, keep: 3, compress: true}\n" + GROUP + "  logs: {max_size: 10MiB}\n");

        assertEquals(Optional.of(new LogRotation(10L << 20, 3, true)), c.groups().getFirst().logs());
    }

    @Test
    void parse_groupWithOnlyMaxSize_keeps10Uncompressed() throws ConfigException {
        Config c = parse(GROUP + "  logs: {max_size: 1MB}\n");

        assertEquals(Optional.of(new LogRotation(1_000_000, 10, false)), c.groups().getFirst().logs());
    }

    @Test
    void parse_logsFalse_turnsTheDefaultOffForThatGroup() throws ConfigException {
        Config c = parse("rolld:\n  logs: {max_size: 50MB}\n" + GROUP + "  logs: false\n");

        assertEquals(Optional.empty(), c.groups().getFirst().logs());
    }

    @Test
    void parse_withoutMaxSizeOrDefault_isRefusedWithAHint() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(GROUP + "  logs: {keep: 3}\n"));

        assertTrue(e.getMessage().contains("missing key 'max_size' in 'logs' in group 'app'"), e.getMessage());
    }

    @Test
    void parse_unknownKeyOrNegativeKeep_isRefused() {
        assertThrows(ConfigException.class, () -> parse(GROUP + "  logs: {max_size: 1MB, keeps: 3}\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> parse(GROUP + "  logs: {max_size: 1MB, keep: -1}\n"));

        assertTrue(e.getMessage().contains("'keep' in 'logs' in group 'app' is -1"), e.getMessage());
    }
}
