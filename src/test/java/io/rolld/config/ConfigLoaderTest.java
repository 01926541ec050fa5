package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Path EXAMPLE = Path.of("src/test/resources/good-configs/rolld.yml");

    @TempDir
    Path dir;

    private Config load(String yaml) throws IOException, ConfigException {
        Path file = dir.resolve("rolld.yml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    private static final String MINIMAL = """
            app:
              cmd: ./server --port {numproc}
              workset:
                - numprocs: [8001]
                - numprocs: [8002]
            """;

    @Test
    void load_whenOriginalExample_keepsItsMeaning() throws ConfigException {
        Config config = ConfigLoader.load(EXAMPLE);
        Path base = EXAMPLE.toAbsolutePath().getParent();

        assertEquals(EXAMPLE.toAbsolutePath(), config.file());
        GroupConfig app = config.group("app-servers").orElseThrow();
        assertEquals("python3 app.py {numproc}", app.cmd());
        assertEquals(base.resolve("example"), app.directory());
        assertEquals(Optional.of("logs/app-{numproc}.log"), app.stdout());
        assertEquals(Optional.of("logs/app-{numproc}.err"), app.stderr());
        assertEquals(List.of(new Workset(List.of(8001, 8002, 8003, 8004)), new Workset(List.of(8501, 8502, 8503, 8504))), ((Worksets) app.mode()).worksets());
        assertEquals(List.of(new SmokeTest.Http("/", Optional.empty(), Optional.empty(), Duration.ofSeconds(5))), app.smokeTests());
        assertEquals(List.of(
                new Hook.ReplaceFile(base.resolve("example/nginx-upstream.conf.mustache"), base.resolve("example/nginx-upstream.conf")),
                new Hook.RunProc("nginx -s reload -p example -c nginx.conf")), app.afterStart());
    }

    @Test
    void load_whenCmdHoldsShellVariablesOrJson_acceptsThemAsText() throws Exception {
        Config config = load(MINIMAL.replace("./server --port {numproc}",
                "sh -c 'exec ./server --port {numproc} --home ${HOME} --opts {\"a\":1} {}'"));

        assertEquals("sh -c 'exec ./server --port {numproc} --home ${HOME} --opts {\"a\":1} {}'", config.groups().getFirst().cmd());
    }

    @Test
    void load_whenAPlaceholderIsUnknownInAFoldedCmd_pointsAtTheValue() throws Exception {
        var e = assertThrows(ConfigException.class, () -> load(MINIMAL.replace("./server --port {numproc}",
                ">-\n    ./server\n    --port {numprocs}")));

        assertEquals(2, e.line());
        assertEquals(8, e.column());
        assertTrue(e.getMessage().contains("unknown placeholder '{numprocs}' in 'cmd' in group 'app' (hint: did you mean {numproc}?)"),
                e.getMessage());
    }

    @Test
    void load_whenOptionalKeysAbsent_appliesDefaults() throws Exception {
        Config config = load(MINIMAL);

        GroupConfig app = config.groups().getFirst();
        assertEquals(dir.toAbsolutePath(), app.directory());
        assertEquals(Optional.empty(), app.stdout());
        assertEquals(Optional.empty(), app.stderr());
        assertEquals(Map.of(), app.env());
        assertEquals(List.of(), app.smokeTests());
        assertEquals(List.of(), app.afterStart());
        assertEquals(PosixSignal.TERM, app.stopSignal());
        assertEquals(Duration.ofSeconds(10), app.stopTimeout());
        assertEquals(Duration.ofSeconds(30), app.readyTimeout());
        assertEquals(Duration.ofSeconds(30), app.drainTimeout());
        assertEquals(Duration.ofSeconds(60), app.hookTimeout());
        assertEquals(Settings.defaultsFor(dir.toAbsolutePath()), config.settings());
    }

    @Test
    void load_whenSeveralGroups_keepsFileOrder() throws Exception {
        Config config = load(MINIMAL + """
                worker:
                  cmd: ./worker {numproc}
                  workset:
                    - numprocs: [9001, 9002]
                    - numprocs: [9003, 9004]
                    - numprocs: [9005, 9006]
                """);

        assertEquals(List.of("app", "worker"), config.groups().stream().map(GroupConfig::name).toList());
        assertEquals(new Workset(List.of(9005, 9006)), ((Worksets) config.group("worker").orElseThrow().mode()).workset(2));
    }

    @Test
    void load_whenEnvHasNumbersAndBooleans_keepsTheirText() throws Exception {
        Config config = load(MINIMAL + """
                  env:
                    PORT_BASE: 8000
                    DEBUG: true
                    RATIO: 0.5
                    NAME: "web app"
                """);

        assertEquals(Map.of("PORT_BASE", "8000", "DEBUG", "true", "RATIO", "0.5", "NAME", "web app"), config.groups().getFirst().env());
    }

    @Test
    void load_whenEverySmokeTestForm_buildsEachCheck() throws Exception {
        Config config = load(MINIMAL + """
                  smoke_test:
                    - check_all_http_ports: numprocs
                    - http: {path: /health, status: 200, body: ok, timeout: 2s}
                    - http: {}
                    - http: numprocs
                    - tcp: numprocs
                    - tcp: {timeout: 250ms}
                """);

        var defaultHttp = new SmokeTest.Http("/", Optional.empty(), Optional.empty(), Duration.ofSeconds(5));
        assertEquals(List.of(
                defaultHttp,
                new SmokeTest.Http("/health", Optional.of(200), Optional.of("ok"), Duration.ofSeconds(2)),
                defaultHttp,
                defaultHttp,
                new SmokeTest.Tcp(Duration.ofSeconds(1)),
                new SmokeTest.Tcp(Duration.ofMillis(250))), config.groups().getFirst().smokeTests());
    }

    @Test
    void load_whenEveryHookForm_resolvesPathsAgainstConfigDirectory() throws Exception {
        Files.createDirectories(dir.resolve("tpl"));
        Files.writeString(dir.resolve("tpl/up.mustache"), "{{#ports}}server 127.0.0.1:{{.}};{{/ports}}\n");
        Config config = load(MINIMAL + """
                  after_start:
                    - replace_file: [numprocs, tpl/up.mustache, up.conf]
                    - replace_file: [tpl/up.mustache, tpl/up.conf]
                    - run_proc: 'nginx -s reload'
                    - run_proc: ['kill -HUP $(cat haproxy.pid)']
                """);

        Path base = dir.toAbsolutePath();
        assertEquals(List.of(
                new Hook.ReplaceFile(base.resolve("tpl/up.mustache"), base.resolve("up.conf")),
                new Hook.ReplaceFile(base.resolve("tpl/up.mustache"), base.resolve("tpl/up.conf")),
                new Hook.RunProc("nginx -s reload"),
                new Hook.RunProc("kill -HUP $(cat haproxy.pid)")), config.groups().getFirst().afterStart());
    }

    @Test
    void load_whenEveryGroupKeySet_readsEachValue() throws Exception {
        Files.createDirectories(dir.resolve("srv"));
        Config config = load("""
                app:
                  cmd: "java -jar 'my app.jar' --port={numproc}"
                  directory: srv
                  stdout: out-{numproc}.log
                  stderr: /var/log/app-{numproc}.err
                  workset:
                    - {numprocs: [8001]}
                    - {numprocs: [8002]}
                  stop_signal: SIGQUIT
                  stop_timeout: 500ms
                  ready_timeout: 2m
                  drain_timeout: 1h
                  hook_timeout: 5s
                """);

        GroupConfig app = config.groups().getFirst();
        assertEquals(dir.toAbsolutePath().resolve("srv"), app.directory());
        assertEquals(Optional.of("out-{numproc}.log"), app.stdout());
        assertEquals(Optional.of("/var/log/app-{numproc}.err"), app.stderr());
        assertEquals(PosixSignal.QUIT, app.stopSignal());
        assertEquals(Duration.ofMillis(500), app.stopTimeout());
        assertEquals(Duration.ofMinutes(2), app.readyTimeout());
        assertEquals(Duration.ofHours(1), app.drainTimeout());
        assertEquals(Duration.ofSeconds(5), app.hookTimeout());
    }

    @Test
    void load_startNice_isOffUnlessGivenAndRefusedOutsideZeroTo19() throws Exception {
        assertEquals(0, load(MINIMAL).groups().getFirst().startNice());
        assertEquals(10, load(MINIMAL + "  start_nice: 10\n").groups().getFirst().startNice());

        var e = assertThrows(ConfigException.class, () -> load(MINIMAL + "  start_nice: 20\n"));
        assertTrue(e.getMessage().contains("'start_nice' in group 'app' is 20, expected 0 to 19"), e.getMessage());
        assertThrows(ConfigException.class, () -> load(MINIMAL + "  start_nice: -1\n"));
    }

    @Test
    void load_whenSettingsGiven_resolvesPathsAgainstConfigDirectory() throws Exception {
        Config config = load("""
                rolld:
                  control_socket: run/rolld.sock
                  pid_file: /run/rolld.pid
                  state_file: ../state.json
                  log_format: json
                """ + MINIMAL);

        Path base = dir.toAbsolutePath();
        assertEquals(new Settings(base.resolve("run/rolld.sock"), Path.of("/run/rolld.pid"), base.getParent().resolve("state.json"),
                Settings.LogFormat.JSON, Optional.empty(), Optional.empty()), config.settings());
        assertEquals(List.of("app"), config.groups().stream().map(GroupConfig::name).toList());
    }

    @Test
    void load_whenHttpOnLoopback_setsTheListener() throws Exception {
        Config config = load("rolld:\n  http: 127.0.0.1:9180\n" + MINIMAL);

        assertEquals(Optional.of(new HttpListener("127.0.0.1", 9180)), config.settings().http());
    }

    @Test
    void load_whenHttpPublic_acceptsAnyAddress() throws Exception {
        Config config = load("rolld:\n  http: '[::]:9180'\n  http_public: true\n" + MINIMAL);

        assertEquals(Optional.of(new HttpListener("0:0:0:0:0:0:0:0", 9180)), config.settings().http());
    }

    @Test
    void load_whenSettingsEmpty_usesDefaults() throws Exception {
        Config config = load("rolld:\n" + MINIMAL);

        assertEquals(Settings.defaultsFor(dir.toAbsolutePath()), config.settings());
    }

    @Test
    void parse_whenGivenText_namesTheFileAsGivenAndResolvesAgainstItsDirectory() throws Exception {
        Config config = ConfigLoader.parse(MINIMAL, dir.resolve("conf/rolld.yml"));

        assertEquals(dir.toAbsolutePath().resolve("conf"), config.groups().getFirst().directory());
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("app: [", Path.of("etc/rolld.yml")));
        assertTrue(e.getMessage().startsWith("etc/rolld.yml:1:7: invalid YAML: "), e.getMessage());
    }

    @Test
    void load_whenFileMissing_reportsTheWholeFile() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("no/such/rolld.yml")));

        assertEquals("no/such/rolld.yml: cannot read: no such file", e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void load_whenPortInTwoWorksets_namesBothPlaces() throws Exception {
        var e = assertThrows(ConfigException.class, () -> load("""
                app:
                  cmd: ./server
                  workset:
                    - numprocs: [8001, 8002]
                    - numprocs: [8003, 8001]
                """));

        assertEquals(5, e.line());
        assertEquals(24, e.column());
        assertTrue(e.getMessage().contains(":5:24: port 8001 in workset 2 of group 'app' is already used by workset 1 of group 'app' at line 4, column 18"),
                e.getMessage());
    }
}
