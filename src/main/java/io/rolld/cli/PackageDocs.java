package io.rolld.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * What scripts/package renders from the command line's own definitions, so they cannot drift from
 * it: the bash completion ({@code DIR/rolld.bash}, picocli's generator) and the COMMANDS section of
 * rolld(1) ({@code DIR/commands.md}: every command's {@code --help}, as Markdown for go-md2man).
 *
 * <pre>java -cp rolld.jar io.rolld.cli.PackageDocs DIR</pre>
 */
public final class PackageDocs {
    private PackageDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PackageDocs DIR");
            System.exit(64);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        CommandLine cli = Main.commandLine();
        // The descriptions break their own lines at about 100 columns; at picocli's 80 they would wrap twice.
        cli.setUsageHelpWidth(100);
        Files.writeString(dir.resolve("rolld.bash"), AutoComplete.bash("rolld", cli), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("commands.md"), commands(cli), StandardCharsets.UTF_8);
    }

    private static String commands(CommandLine cli) {
        StringBuilder md = new StringBuilder("# COMMANDS\n\n");
        usage(md, "rolld", cli);
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            usage(md, "rolld " + sub.getKey(), sub.getValue());
        }
        return md.toString();
    }

    private static void usage(StringBuilder md, String title, CommandLine command) {
        String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
        md.append("## ").append(title).append("\n\n```\n").append(help.stripTrailing()).append("\n```\n\n");
    }
}
