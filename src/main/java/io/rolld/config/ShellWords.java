package io.rolld.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell does, without running one: so a worker
 * is exec'd directly and its pid is the server's own. Supported: whitespace between words,
 * {@code 'single quotes'} (all literal), {@code "double quotes"} (backslash escapes only
 * {@code $ ` " \} and newline), and backslash outside quotes. Nothing is expanded: {@code $VAR},
 * {@code *}, {@code ~} and {@code #} stay literal text, and operators such as {@code |} or
 * {@code >} are ordinary characters.
 */
public final class ShellWords {
    private ShellWords() {
    }

    /** @throws IllegalArgumentException for an unbalanced quote or a trailing backslash, naming the position (1-based) */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false; // separate from word.isEmpty(): '' is an empty word, not nothing
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            if (line.startsWith("\\\n", i)) { // line continuation: joins the lines, adds nothing
                i += 2;
                continue;
            }
            inWord = true;
            switch (c) {
                case '\'' -> {
                    int end = line.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("unterminated single quote at character " + (i + 1));
                    }
                    word.append(line, i + 1, end);
                    i = end + 1;
                }
                case '"' -> i = doubleQuoted(line, i, word);
                case '\\' -> {
                    if (i + 1 == line.length()) {
                        throw new IllegalArgumentException("trailing backslash at character " + (i + 1) + " escapes nothing");
                    }
                    word.append(line.charAt(i + 1));
                    i += 2;
                }
                default -> {
                    word.append(c);
                    i++;
                }
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    /** Appends the contents of the double-quoted string opening at {@code open}; returns the index after its closing quote. */
    private static int doubleQuoted(String line, int open, StringBuilder word) {
        int i = open + 1;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length() && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
                if (line.charAt(i + 1) != '\n') {
                    word.append(line.charAt(i + 1));
                }
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated double quote at character " + (open + 1));
    }

    /** {@code word} as one word of a command line {@link #split} reads back unchanged: as is when it holds only safe characters, else single-quoted. */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/._-+=:,@%{}".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
