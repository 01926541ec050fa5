package io.rolld.testing;

import io.rolld.haproxy.RuntimeApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands sent to HAProxy's runtime API and its answers, in order, as stored under
 * {@code src/test/resources/haproxy/}: a line {@code > COMMAND}, then the answer's lines (the
 * empty line that ends every answer left out). Lines starting with {@code #} before the first
 * command describe the recording. {@link #replay} answers a client from it and fails on any
 * other command; {@link #recording} records what a real HAProxy answers.
 */
public final class HaproxyTranscript {
    /** Where the recordings live, relative to the project root (Maven's working directory). */
    public static final Path DIR = Path.of("src/test/resources/haproxy");

    public record Exchange(String command, String answer) {
    }

    private final List<Exchange> exchanges;
    private int next;

    private HaproxyTranscript(List<Exchange> exchanges) {
        this.exchanges = exchanges;
    }

    /** A recording to replay: {@code DIR/NAME.txt}. */
    public static HaproxyTranscript load(Path file) {
        try {
            List<Exchange> exchanges = new ArrayList<>();
            String command = null;
            StringBuilder answer = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("> ")) {
                    if (command != null) {
                        exchanges.add(new Exchange(command, answer.toString().strip()));
                    }
                    command = line.substring(2);
                    answer.setLength(0);
                } else if (command != null) {
                    answer.append(line).append('\n');
                }
            }
            if (command != null) {
                exchanges.add(new Exchange(command, answer.toString().strip()));
            }
            return new HaproxyTranscript(exchanges);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An empty transcript that {@link #recording} fills. */
    public static HaproxyTranscript empty() {
        return new HaproxyTranscript(new ArrayList<>());
    }

    /** A transport that answers from this recording, in order; another command than recorded fails the test. */
    public RuntimeApi.Transport replay() {
        return command -> {
            if (next >= exchanges.size()) {
                throw new AssertionError("'" + command + "' sent after the recording's last command");
            }
            Exchange e = exchanges.get(next++);
            if (!e.command().equals(command)) {
                throw new AssertionError("command " + next + " is '" + command + "', recorded '" + e.command() + "'");
            }
            return e.answer() + "\n\n";
        };
    }

    /** A transport that passes commands to {@code real} and records them with their answers. */
    public RuntimeApi.Transport recording(RuntimeApi.Transport real) {
        return command -> {
            String answer = real.ask(command);
            exchanges.add(new Exchange(command, answer.strip()));
            return answer;
        };
    }

    /** Every recorded command was sent. */
    public boolean allReplayed() {
        return next == exchanges.size();
    }

    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Writes the transcript with {@code header} lines ({@code # ...}) first. */
    public void write(Path file, List<String> header) {
        StringBuilder text = new StringBuilder();
        header.forEach(h -> text.append("# ").append(h).append('\n'));
        for (Exchange e : exchanges) {
            text.append("> ").append(e.command()).append('\n');
            if (!e.answer().isEmpty()) {
                text.append(e.answer()).append('\n');
            }
        }
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
