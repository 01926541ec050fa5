package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input through the real launcher: {@code scripts/rolld check FILE} and {@code scripts/rolld FILE}
 * exit 2 with the exact message and start nothing; every shipped configuration passes the check.
 * (The whole corpus is checked message by message in BadConfigCorpusTest; this runs a sample.)
 */
class BadConfigIT {
    private static final Duration EXIT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"yaml-unclosed-quote", "unknown-key", "port-in-two-groups", "workset-single",
            "duration-words", "empty-cmd", "template-missing"})
    void checkAndRun_onACorpusSample_exit2WithTheExactMessage(String name) throws Exception {
        Path file = Path.of("src/test/resources/bad-configs/" + name + ".yml");
        String expected = Files.readString(Project.root().resolve(file.toString().replace(".yml", ".expected"))).strip();
        for (String[] args : List.of(new String[] {"check", file.toString()}, new String[] {file.toString()})) {
            try (Rolld rolld = run(args)) {
                assertEquals(2, rolld.awaitExit(EXIT), rolld.tail());
                assertTrue(rolld.lines().stream().anyMatch(l -> l.contains(expected)), expected + "\nnot in:\n" + rolld.tail());
            }
        }
    }

    /** Valid but for one fault; {@code cmd} would leave a marker file if anything were ever started. */
    static Stream<String[]> spawnProbes() {
        return Stream.of(
                new String[] {"bad duration", "  ready_timeout: soon\n", ":6:18: "},
                new String[] {"unknown key", "  comand: x\n", ":6:3: unknown key 'comand'"},
                new String[] {"writable by others", "", ": writable by other users (rw-rw-rw-)"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spawnProbes")
    void run_onABadConfig_spawnsNothing(String what, String fault, String message) throws Exception {
        Path dir = Files.createDirectories(Project.scratch("bad-config").resolve("probe-" + System.nanoTime()));
        Path yml = dir.resolve("rolld.yml");
        Files.writeString(yml, """
                app:
                  cmd: 'touch %s/started-{numproc}'
                  workset:
                    - numprocs: [39001]
                    - numprocs: [39002]
                %s""".formatted(dir, fault));
        if (fault.isEmpty()) {
            Files.setPosixFilePermissions(yml, PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        for (String[] args : List.of(new String[] {"check", yml.toString()}, new String[] {yml.toString()})) {
            try (Rolld rolld = run(args)) {
                assertEquals(2, rolld.awaitExit(EXIT), rolld.tail());
                assertTrue(rolld.lines().stream().anyMatch(l -> l.contains(yml + message)), message + "\nnot in:\n" + rolld.tail());
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(yml), files.toList(), what + ": nothing was started");
        }
        assertFalse(Files.exists(dir.resolve(".rolld/rolld.pid")), "no pid file either");
    }

    @org.junit.jupiter.api.Test
    void check_onEveryShippedConfiguration_passes() throws Exception {
        List<Path> configs = new ArrayList<>(List.of(Path.of("rolld.yml")));
        try (Stream<Path> example = Files.walk(Project.example())) {
            // example/fleet is an Ansible play; its rolld.yml is a Jinja template checked by FleetIT
            example.filter(p -> p.toString().endsWith(".yml") && !p.startsWith(Project.example().resolve("fleet")))
                    .map(p -> Project.root().relativize(p)).forEach(configs::add);
        }
        for (Path config : configs) {
            try (Rolld rolld = run("check", config.toString())) {
                assertEquals(0, rolld.awaitExit(EXIT), config + ":\n" + rolld.tail());
            }
        }
    }

    private static Rolld run(String... args) {
        List<String> command = new ArrayList<>(List.of(Project.root().resolve("scripts/rolld").toString()));
        command.addAll(List.of(args));
        return Rolld.launch(command, Project.root(), "bad-config");
    }
}
