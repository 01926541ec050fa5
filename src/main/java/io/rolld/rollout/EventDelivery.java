package io.rolld.rollout;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a group's events to its listeners (the log, the workers file, history, metrics, systemd,
 * {@code on_event}) and to the watchers of a request, in the order they were reported, on a thread
 * of its own: the group's loop and its effects never wait for a listener, and a listener that
 * throws is logged and skipped, never a rollout's failure.
 */
final class EventDelivery {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");

    private final String group;
    private final List<Consumer<RolloutEvent>> listeners;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Once closed, what is still reported (an {@code on_event} command's failure) is delivered on the reporter's thread. */
    private volatile boolean closed;

    EventDelivery(String group, List<Consumer<RolloutEvent>> listeners) {
        this.group = group;
        this.listeners = List.copyOf(listeners);
        this.thread = Thread.ofVirtual().name("events-" + group).start(this::run);
    }

    /** {@code event} to every listener, then to {@code watchers}. */
    void deliver(RolloutEvent event, Consumer<RolloutEvent> watchers) {
        then(() -> {
            listeners.forEach(l -> safely(l, event));
            safely(watchers, event);
        });
    }

    /** Runs {@code work} once everything delivered before it was (a rollout's answer follows its last event). */
    void then(Runnable work) {
        if (closed) {
            work.run();
        } else {
            queue.add(work);
        }
    }

    /** Delivers what is queued, then stops the thread. */
    void close() throws InterruptedException {
        queue.add(() -> closed = true);
        thread.join();
    }

    private void run() {
        while (!closed) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                return; // nobody interrupts it: the JVM is going down
            }
        }
    }

    private void safely(Consumer<RolloutEvent> listener, RolloutEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.error("event=listener_failed group={} on={} error=\"{}\" action=\"the event's other listeners and the rollout go on\"",
                    group, event.name(), e, e);
        }
    }
}
