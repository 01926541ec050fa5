package io.rolld.probe;

/** The answer of one probe of one port. */
public sealed interface ProbeResult {

    record Ready() implements ProbeResult {
        @Override
        public String toString() {
            return "ready";
        }
    }

    /** The port answered, but not as expected. */
    record NotReady(String detail) implements ProbeResult {
        @Override
        public String toString() {
            return detail;
        }
    }

    /** Nothing usable answered (refused, reset, timed out). */
    record Unreachable(String cause) implements ProbeResult {
        @Override
        public String toString() {
            return "unreachable: " + cause;
        }
    }
}
