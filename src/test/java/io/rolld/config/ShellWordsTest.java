package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void split_whenPlainWords_splitsOnAnyWhitespace() {
        assertEquals(List.of("python3", "app.py", "8001"), ShellWords.split("  python3\tapp.py \n 8001 "));
    }

    @Test
    void split_whenSingleQuoted_keepsEverythingLiteral() {
        assertEquals(List.of("echo", "a \"b\" \\n $HOME"), ShellWords.split("echo 'a \"b\" \\n $HOME'"));
    }

    @Test
    void split_whenDoubleQuoted_backslashEscapesOnlySpecialCharacters() {
        assertEquals(List.of("say", "a \"b\" \\n $x \\"), ShellWords.split("say \"a \\\"b\\\" \\n \\$x \\\\\""));
    }

    @Test
    void split_whenBackslashOutsideQuotes_escapesNextCharacter() {
        assertEquals(List.of("a b", "c'd"), ShellWords.split("a\\ b c\\'d"));
    }

    @Test
    void split_whenQuotesAdjoin_joinsIntoOneWord() {
        assertEquals(List.of("--name=hello world", "x"), ShellWords.split("--name='hello world' x"));
    }

    @Test
    void split_whenEmptyQuotes_keepsEmptyWord() {
        assertEquals(List.of("run", "", "end"), ShellWords.split("run '' end"));
    }

    @Test
    void split_whenLineContinuation_joinsLines() {
        assertEquals(List.of("a", "bc"), ShellWords.split("a \\\nb\\\nc"));
    }

    @Test
    void split_whenShellSyntax_leavesItLiteral() {
        assertEquals(List.of("echo", "$HOME", "*", "~", "#x", "|", ">out"), ShellWords.split("echo $HOME * ~ #x | >out"));
    }

    @Test
    void split_whenBlank_returnsNoWords() {
        assertEquals(List.of(), ShellWords.split("   "));
    }

    @Test
    void split_whenSingleQuoteUnbalanced_namesItsPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo 'oops"));
        assertEquals("unterminated single quote at character 6", e.getMessage());
    }

    @Test
    void split_whenDoubleQuoteUnbalanced_namesItsPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a \"b\\\""));
        assertEquals("unterminated double quote at character 3", e.getMessage());
    }

    @Test
    void split_whenTrailingBackslash_refuses() {
        var e = assertThrows(IllegalArgumentException.class, () -> ShellWords.split("a b\\"));
        assertEquals("trailing backslash at character 4 escapes nothing", e.getMessage());
    }
}
