package io.rolld.cli;

import io.rolld.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * A duration given on the command line ({@code --timeout 5m}): parsed like rolld.yml's durations,
 * and printed back as the user wrote it.
 */
record DurationOption(String text, Duration value) {
    /** picocli's converter: a bad value becomes a usage error naming the option. */
    static DurationOption parse(String text) {
        try {
            return new DurationOption(text, Durations.parse(text));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
