package io.rolld.front;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.Hook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrontSwitchTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    @TempDir
    Path dir;

    private final FrontContext context = new FrontContext("app", 3, List.of(8501, 8502), List.of(8001, 8002),
            List.of(new FrontContext.WorkerRef(8501, 11), new FrontContext.WorkerRef(8502, 12)));

    @Test
    void apply_rendersEveryTemplateVariable() throws Exception {
        Path template = write("up.mustache", """
                # {{group}} gen {{generation}} old={{#old_ports}}{{.}};{{/old_ports}}
                {{#ports}}server 127.0.0.1:{{.}};
                {{/ports}}{{#workers}}{{port}}={{pid}} {{/workers}}
                """);
        Path target = dir.resolve("up.conf");
        new FrontSwitch(List.of(new Hook.ReplaceFile(template, target)), dir, TIMEOUT).apply(context);
        assertEquals("""
                # app gen 3 old=8001;8002;
                server 127.0.0.1:8501;
                server 127.0.0.1:8502;
                8501=11 8502=12\s
                """, Files.readString(target));
    }

    @Test
    void apply_duringACanaryStep_rendersServersWithWeightsAndTheCanaryWeight() throws Exception {
        Path template = write("up.mustache", """
                # new set gets {{canary_weight}}%
                {{#servers}}server 127.0.0.1:{{port}} weight={{weight}};
                {{/servers}}""");
        Path target = dir.resolve("up.conf");
        FrontSwitch front = new FrontSwitch(List.of(new Hook.ReplaceFile(template, target)), dir, TIMEOUT);

        front.apply(context.withCanaryWeight(25));
        assertEquals("""
                # new set gets 25%
                server 127.0.0.1:8001 weight=3;
                server 127.0.0.1:8002 weight=3;
                server 127.0.0.1:8501 weight=1;
                server 127.0.0.1:8502 weight=1;
                """, Files.readString(target));

        front.apply(context);
        assertEquals("""
                # new set gets 100%
                server 127.0.0.1:8501 weight=1;
                server 127.0.0.1:8502 weight=1;
                """, Files.readString(target));
    }

    @Test
    void undo_afterTwoCanarySteps_restoresTheFileAsItWasBeforeTheFirst() throws Exception {
        Path template = write("up.mustache", "{{#servers}}{{port}}x{{weight}} {{/servers}}");
        Path target = dir.resolve("up.conf");
        byte[] before = "server 127.0.0.1:8001;\n".getBytes();
        Files.write(target, before);
        FrontSwitch front = new FrontSwitch(List.of(new Hook.ReplaceFile(template, target)), dir, TIMEOUT);
        front.apply(context.withCanaryWeight(10));
        front.apply(context.withCanaryWeight(50));

        assertEquals(List.of(), front.undo());
        assertArrayEquals(before, Files.readAllBytes(target));
    }

    @Test
    void apply_whenRunProcFails_namesTheCommandAndShowsItsOutput() throws Exception {
        FrontSwitch front = new FrontSwitch(List.of(new Hook.RunProc("echo 'nginx: [emerg] bad upstream' >&2; exit 3")), dir, TIMEOUT);
        FrontException e = assertThrows(FrontException.class, () -> front.apply(context));
        assertTrue(e.getMessage().contains("command 'echo 'nginx: [emerg] bad upstream' >&2; exit 3' exited 3"), e.getMessage());
        assertTrue(e.getMessage().contains("nginx: [emerg] bad upstream"), e.getMessage());
    }

    @Test
    void apply_whenRunProcHangs_killsItAtTheHookTimeout() throws Exception {
        FrontSwitch front = new FrontSwitch(List.of(new Hook.RunProc("sleep 30")), dir, Duration.ofMillis(300));
        FrontException e = assertThrows(FrontException.class, () -> front.apply(context));
        assertTrue(e.getMessage().contains("timed out after"), e.getMessage());
    }

    @Test
    void undo_afterAFailedReload_restoresTheFileByteForByteAndRunsTheHooksAgain() throws Exception {
        Path template = write("up.mustache", "{{#ports}}{{.}} {{/ports}}");
        byte[] before = "server 127.0.0.1:8001;\n# hand-written\n".getBytes();
        Path target = dir.resolve("up.conf");
        Files.write(target, before);
        Path marker = dir.resolve("reloads");
        FrontSwitch front = new FrontSwitch(List.of(
                new Hook.ReplaceFile(template, target),
                new Hook.RunProc("echo reload >> reloads; test -f allow")), dir, TIMEOUT);

        assertThrows(FrontException.class, () -> front.apply(context));
        assertEquals("8501 8502 ", Files.readString(target));
        Files.writeString(dir.resolve("allow"), "");

        assertEquals(List.of(), front.undo());
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of("reload", "reload"), Files.readAllLines(marker));
    }

    @Test
    void undo_whenTheTargetDidNotExist_removesIt() throws Exception {
        Path template = write("up.mustache", "{{#ports}}{{.}}{{/ports}}");
        Path target = dir.resolve("new.conf");
        FrontSwitch front = new FrontSwitch(List.of(new Hook.ReplaceFile(template, target), new Hook.RunProc("false")),
                dir, TIMEOUT);
        assertThrows(FrontException.class, () -> front.apply(context));
        List<String> problems = front.undo();
        assertFalse(Files.exists(target));
        assertEquals(1, problems.size(), "the failing hook is reported again: " + problems);
    }

    private Path write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }
}
