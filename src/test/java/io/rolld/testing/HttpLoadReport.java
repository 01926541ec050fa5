package io.rolld.testing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an {@link HttpLoad} saw. Every logical request is counted exactly once, in a status class
 * or in one error kind.
 *
 * @param requests            requests that completed (responses + errors)
 * @param status2xx           responses 200-299 (likewise 3xx, 4xx, 5xx; {@code statusOther}: 1xx/unknown)
 * @param connectRefused      connect() refused: nothing listening
 * @param resetBeforeResponse reset / broken pipe on a fresh connection (or during connect) before any response byte
 * @param eofBeforeResponse   a fresh connection closed before any response byte
 * @param brokenResponse      EOF or reset after the response had started
 * @param timeouts            connect or read timed out
 * @param otherErrors         anything else (unparsable response, ...)
 * @param idleClosed          not an error: a reused keep-alive connection was closed before any
 *                            response byte; the request was retried on a fresh connection
 * @param serverClosed        not an error: responses that carried {@code Connection: close}
 * @param bodies              distinct response bodies (at most 1000)
 * @param errorSamples        the first errors (kind and exception), connect refusals excepted (at most 10)
 * @param elapsed             from start to stop (or to now, for a running load)
 */
public record HttpLoadReport(long requests, long status2xx, long status3xx, long status4xx, long status5xx,
        long statusOther, long connectRefused, long resetBeforeResponse, long eofBeforeResponse,
        long brokenResponse, long timeouts, long otherErrors, long idleClosed, long serverClosed,
        Set<String> bodies, List<String> errorSamples, Duration elapsed) {

    private static final Pattern PID = Pattern.compile("\\bpid (\\d+)");

    public HttpLoadReport {
        bodies = Set.copyOf(bodies);
        errorSamples = List.copyOf(errorSamples);
    }

    /** Requests that got no response at all (idleClosed retries excluded: they were answered). */
    public long errors() {
        return connectRefused + resetBeforeResponse + eofBeforeResponse + brokenResponse + timeouts + otherErrors;
    }

    /** Responses that were not 2xx. */
    public long non2xx() {
        return status3xx + status4xx + status5xx + statusOther;
    }

    /** Errors plus non-2xx responses: what a user of the service would call a failed request. */
    public long failed() {
        return errors() + non2xx();
    }

    /** Pids named in the bodies ("hello from pid N ..."), i.e. which workers answered. */
    public Set<Long> pids() {
        Set<Long> pids = new TreeSet<>();
        for (String body : bodies) {
            Matcher m = PID.matcher(body);
            if (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    public double requestsPerSecond() {
        return elapsed.isZero() ? 0 : requests * 1e9 / elapsed.toNanos();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "requests=%d in %d ms (%.0f/s): 2xx=%d 3xx=%d 4xx=%d 5xx=%d other=%d | errors=%d: connect_refused=%d "
                        + "reset_before_response=%d eof_before_response=%d broken_response=%d timeouts=%d other_errors=%d "
                        + "| idle_closed(retried)=%d server_closed=%d | pids=%s%s",
                requests, elapsed.toMillis(), requestsPerSecond(), status2xx, status3xx, status4xx, status5xx,
                statusOther, errors(), connectRefused, resetBeforeResponse, eofBeforeResponse, brokenResponse,
                timeouts, otherErrors, idleClosed, serverClosed, pids(),
                errorSamples.isEmpty() ? "" : " | first errors: " + String.join("; ", errorSamples));
    }
}
