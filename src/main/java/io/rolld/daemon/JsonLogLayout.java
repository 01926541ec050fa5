package io.rolld.daemon;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import io.rolld.control.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code log_format: json}: each log line is one JSON object, {@code time} and {@code level}
 * first, then the fields of the {@link Logfmt} line ({@code event} first); any other message
 * becomes {@code {"event":"message","message":...}}.
 */
final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.put("level", event.getLevel().toString());
        Object[] args = event.getArgumentArray();
        if (args != null && args.length == 1 && args[0] instanceof Logfmt logfmt) {
            line.putAll(logfmt.fields());
        } else {
            line.put("event", "message");
            line.put("message", event.getFormattedMessage());
        }
        return Json.line(line) + "\n";
    }
}
