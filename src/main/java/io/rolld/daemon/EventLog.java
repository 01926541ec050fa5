package io.rolld.daemon;

import io.rolld.rollout.RolloutEvent;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every rollout event as exactly one log line, from its name and fields (its detail follows, indented). */
final class EventLog implements Consumer<RolloutEvent> {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");

    @Override
    public void accept(RolloutEvent event) {
        Logfmt line = Logfmt.of(event);
        switch (event.severity()) {
            case INFO -> LOG.info("{}", line);
            case WARN -> LOG.warn("{}", line);
            case ERROR -> LOG.error("{}", line);
        }
    }
}
