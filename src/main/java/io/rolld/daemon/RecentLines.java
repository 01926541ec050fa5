package io.rolld.daemon;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.rolld.logs.EventRing;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Feeds every line rolld logs into its {@link EventRing}, with the group it names and its JSON fields. */
final class RecentLines extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** A line logged as a format string rather than a {@link Logfmt} still names its group as {@code group=NAME}. */
    private static final Pattern GROUP = Pattern.compile("(?:^| )group=([A-Za-z0-9][A-Za-z0-9_.-]*)");

    private final EventRing ring;

    RecentLines(EventRing ring) {
        this.ring = ring;
    }

    @Override
    protected void append(ILoggingEvent event) {
        Instant time = Instant.ofEpochMilli(event.getTimeStamp());
        String level = event.getLevel().toString();
        Object[] args = event.getArgumentArray();
        if (args != null && args.length == 1 && args[0] instanceof Logfmt line) {
            Map<String, Object> fields = line.fields();
            ring.add(time, level, Optional.ofNullable(fields.get("group")).map(String::valueOf), line.toString(), fields);
            return;
        }
        String message = event.getFormattedMessage();
        Matcher m = GROUP.matcher(message);
        ring.add(time, level, m.find() ? Optional.of(m.group(1)) : Optional.empty(), message,
                Map.of("event", "message", "message", message));
    }
}
