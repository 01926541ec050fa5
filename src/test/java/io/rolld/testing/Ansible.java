package io.rolld.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of the real {@code ansible-playbook} (Debian's ansible-core; scripts/test installs it),
 * stdout and stderr merged into {@code target/it/ansible/NAME-TIME.log}. Ansible's own state and
 * temporary files stay under {@code target/it/ansible}, it never colours its output, and it needs
 * no network (the plays use ansible.builtin only). A run that outlives its deadline is killed with
 * its descendants, by pid, and fails the test.
 */
public final class Ansible {
    private Ansible() {
    }

    /** What ansible-playbook printed and how it exited. */
    public record Run(int exitCode, String output, Path log) {
        @Override
        public String toString() {
            return "ansible-playbook exited " + exitCode + " (log " + log + "):\n" + output;
        }
    }

    public static String binary() {
        return Project.program("ansible-playbook", "/usr/bin/ansible-playbook");
    }

    public static Run playbook(String name, Duration timeout, List<String> args) {
        Path dir = Project.scratch("ansible");
        Path log = dir.resolve(name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS")) + ".log");
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(Project.root().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("ANSIBLE_HOME", dir.resolve("home").toString());
        env.put("ANSIBLE_LOCAL_TEMP", dir.resolve("tmp").toString());
        env.put("ANSIBLE_REMOTE_TEMP", dir.resolve("tmp").toString());
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_FORCE_COLOR", "0");
        env.put("ANSIBLE_PIPELINING", "1"); // one python per task instead of copying each module first
        env.put("ANSIBLE_RETRY_FILES_ENABLED", "0");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + binary() + " (is ansible-core installed? scripts/test installs it as root)", e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " still running after " + timeout.toMillis()
                        + " ms; killed. Output:\n" + read(log));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Run(process.exitValue(), read(log), log);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
