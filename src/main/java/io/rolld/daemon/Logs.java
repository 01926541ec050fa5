package io.rolld.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.rolld.config.Settings.LogFormat;
import io.rolld.logs.EventRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Where rolld's own log goes and in which format: stdout by default, or a file ({@code --log-file})
 * opened in append mode. {@link #reopen()} (USR1) closes and reopens that file, so logrotate can
 * rename it and then signal rolld.
 */
final class Logs {
    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %msg%n";
    private static OutputStreamAppender<ILoggingEvent> appender;

    private Logs() {
    }

    /** Also keeps every line in {@code recent}, for {@code rolld logs}. */
    static synchronized void configure(LogFormat format, Optional<Path> file, EventRing recent) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        OutputStreamAppender<ILoggingEvent> next;
        if (file.isPresent()) {
            FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
            fileAppender.setFile(file.get().toString());
            fileAppender.setAppend(true);
            next = fileAppender;
        } else {
            next = new ConsoleAppender<>();
        }
        next.setContext(context);
        next.setName("rolld");
        next.setEncoder(encoder(format, context));
        next.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(Level.INFO);
        root.addAppender(next);
        appender = next;
        RecentLines keeper = new RecentLines(recent);
        keeper.setContext(context);
        keeper.setName("recent");
        keeper.start();
        root.addAppender(keeper);
    }

    private static Encoder<ILoggingEvent> encoder(LogFormat format, LoggerContext context) {
        return switch (format) {
            case TEXT -> {
                PatternLayoutEncoder pattern = new PatternLayoutEncoder();
                pattern.setContext(context);
                pattern.setPattern(TEXT_PATTERN);
                pattern.start();
                yield pattern;
            }
            case JSON -> {
                JsonLogLayout layout = new JsonLogLayout();
                layout.setContext(context);
                layout.start();
                LayoutWrappingEncoder<ILoggingEvent> wrapping = new LayoutWrappingEncoder<>();
                wrapping.setContext(context);
                wrapping.setLayout(layout);
                wrapping.start();
                yield wrapping;
            }
        };
    }

    /**
     * Points the file appender at a new file of the same name, once rolld's own rotation renamed
     * the old one: under the appender's write lock, so no line is lost or split.
     */
    static synchronized void reopenAfterRename() {
        if (appender instanceof FileAppender<ILoggingEvent> file) {
            try {
                file.openFile(file.getFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reopen " + file.getFile(), e);
            }
        }
    }

    /** Reopens the log file (after logrotate renamed it); returns false when rolld logs to stdout. */
    static synchronized boolean reopen() {
        if (!(appender instanceof FileAppender<ILoggingEvent> file)) {
            return false;
        }
        file.stop();
        file.start();
        return true;
    }
}
