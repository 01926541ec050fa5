package io.rolld.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code bad-configs/NAME.yml} must be refused with exactly the message in {@code NAME.expected}.
 * The path is passed relative to the project root (Maven's working directory), so that is the
 * file name the messages carry. To add a case, drop in both files.
 */
class BadConfigCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/bad-configs");

    static List<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void load_whenConfigMalformed_reportsExactPositionAndMessage(Path file) throws IOException {
        String expected = Files.readString(Path.of(file.toString().replaceFirst("\\.yml$", ".expected"))).strip();

        var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));

        assertEquals(expected, e.getMessage());
        assertEquals(file.toString(), e.file());
    }

    @Test
    void corpus_isLargeEnoughToMatter() throws IOException {
        assertTrue(corpus().size() >= 30, "corpus has " + corpus().size() + " cases");
    }
}
