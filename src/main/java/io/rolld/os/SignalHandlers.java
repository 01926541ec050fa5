package io.rolld.os;

import io.rolld.config.PosixSignal;
import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;

/** The only place that installs signal handlers. Handlers only hand the signal to the loop. */
public final class SignalHandlers {
    public static final List<PosixSignal> HANDLED = List.of(PosixSignal.HUP, PosixSignal.TERM, PosixSignal.INT, PosixSignal.USR1,
            PosixSignal.USR2);

    private SignalHandlers() {
    }

    public static void install(Consumer<PosixSignal> sink) {
        // HUP may arrive ignored (nohup, or our launcher's `trap '' HUP` that protects the JVM's
        // start-up); the JVM then silently skips our handler. Reset it right before installing.
        SignalCalls.resetToDefault(PosixSignal.HUP.number());
        // USR2 (reexec) arrives ignored in an image that `rolld reexec` started: ignored across the exec.
        SignalCalls.resetToDefault(PosixSignal.USR2.number());
        for (PosixSignal s : HANDLED) {
            Signal.handle(new Signal(s.name()), received -> sink.accept(s));
        }
    }
}
