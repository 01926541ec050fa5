package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

    @Test
    void getMessage_whenPositioned_readsFileLineColumnProblem() {
        var e = new ConfigException("rolld.yml", 7, 5, "unknown key 'comand' in group 'app-servers' (hint: did you mean 'cmd'?)");

        assertEquals("rolld.yml:7:5: unknown key 'comand' in group 'app-servers' (hint: did you mean 'cmd'?)", e.getMessage());
        assertEquals("rolld.yml", e.file());
        assertEquals(7, e.line());
        assertEquals(5, e.column());
    }

    @Test
    void getMessage_whenWholeFile_omitsPosition() {
        var e = new ConfigException("/etc/rolld.yml", 0, 0, "cannot read: no such file");

        assertEquals("/etc/rolld.yml: cannot read: no such file", e.getMessage());
    }
}
