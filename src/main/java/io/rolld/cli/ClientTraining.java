package io.rolld.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run that {@code scripts/rolld} records the client's AOT cache with (JDK 25,
 * {@code -XX:AOTCacheOutput}): the client commands as users run them ({@code status},
 * {@code status --json}, {@code restart --wait}, each through {@code -c rolld.yml} and
 * {@code --socket}) against a stand-in daemon on a private socket that answers with lines a real
 * daemon sent ({@code client-training.jsonl}). So the cache holds the classes of the paths that
 * succeed, not only of "rolld is not running", and no daemon needs to run for it. Prints nothing.
 */
final class ClientTraining {
    private ClientTraining() {
    }

    public static void main(String[] args) throws Exception {
        List<String> answers;
        try (InputStream in = ClientTraining.class.getResourceAsStream("client-training.jsonl")) {
            answers = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        Path dir = Files.createTempDirectory("rolld-training-");
        Path socket = dir.resolve("s");
        Path config = dir.resolve("rolld.yml");
        Files.writeString(config, "rolld:\n  control_socket: '" + socket + "'\napp:\n  cmd: 'true'\n");
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofPlatform().daemon().start(() -> serve(server, answers));
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
            System.setOut(nowhere);
            System.setErr(nowhere);
            for (String[] command : List.of(
                    new String[] {"status", "--socket", socket.toString()},
                    new String[] {"status", "--json", "-c", config.toString()},
                    new String[] {"restart", "--wait", "--socket", socket.toString()},
                    new String[] {"restart", "app", "--wait", "--json", "--timeout", "1m", "-c", config.toString()})) {
                ClientArgs.parse(command).orElseThrow().call();
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            Files.deleteIfExists(socket);
            Files.deleteIfExists(config);
            Files.deleteIfExists(dir);
        }
    }

    /** One connection per command: the status line for a status, every other line for a restart. */
    private static void serve(ServerSocketChannel server, List<String> answers) {
        while (true) {
            try (SocketChannel client = server.accept()) {
                String request = new BufferedReader(Channels.newReader(client, StandardCharsets.UTF_8)).readLine();
                boolean status = request != null && request.contains("\"status\"");
                var writer = Channels.newWriter(client, StandardCharsets.UTF_8);
                for (String line : status ? answers.subList(0, 1) : answers.subList(1, answers.size())) {
                    writer.write(line + "\n");
                }
                writer.flush();
            } catch (IOException e) {
                return; // the server closed: training is over
            }
        }
    }
}
