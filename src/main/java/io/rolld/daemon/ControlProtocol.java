package io.rolld.daemon;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The control channel's wire format, shared by the daemon and the {@code rolld} client: the client
 * writes one JSON object on one line ({@code {"op":"status"}}), the daemon answers with a stream of
 * JSON objects, one per line, each with a {@code "type"}, and closes the connection when done.
 * docs/operation.md ("The control protocol") documents every message.
 */
public final class ControlProtocol {
    public static final String OP_STATUS = "status";
    public static final String OP_RESTART = "restart";
    public static final String OP_STOP = "stop";
    public static final String OP_REEXEC = "reexec";
    /** {@code {"op":"promote","group":"app"}}: end the current bake or canary pause now. */
    public static final String OP_PROMOTE = "promote";
    /** {@code {"op":"abort","group":"app"}}: switch back to the old set now; answers the rollout's result. */
    public static final String OP_ABORT = "abort";
    /** {@code {"op":"logs","groups":[],"lines":20,"since_ms":T,"follow":true}}: where the workers' files are, and rolld's recent lines. */
    public static final String OP_LOGS = "logs";

    /** {@code {"op":"history","group":"app","limit":10}}: the last rollouts (group optional); answers one {@code history} message. */
    public static final String OP_HISTORY = "history";
    /**
     * {@code {"op":"rollback","group":"app","to":7,"wait":true}} ({@code to} optional): roll out the
     * recorded release of an earlier generation; answered like {@code restart}.
     */
    public static final String OP_ROLLBACK = "rollback";

    /** The longest request line the daemon reads, in bytes; a longer one is answered {@link #REQUEST_TOO_LARGE}. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** Error codes of a {@code {"type":"error","code":...}} answer. */
    public static final String NO_SUCH_GROUP = "no_such_group";
    public static final String CONFIG_INVALID = "config_invalid";
    public static final String BAD_REQUEST = "bad_request";
    /** The request line passed {@link #MAX_REQUEST_BYTES}; the connection is closed unread. */
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    public static final String SHUTTING_DOWN = "shutting_down";
    /** {@code reexec}: the build on disk failed its check, or execve failed; the running build carries on. */
    public static final String REEXEC_REFUSED = "reexec_refused";
    /** {@code promote}/{@code abort}: the group has no rollout in progress. */
    public static final String NO_ROLLOUT = "no_rollout";
    /** {@code promote}/{@code abort}: the rollout in progress is in no bake or canary pause. */
    public static final String NOT_BAKING = "not_baking";
    /** {@code abort}: the old set drains or stops already, the new set serves alone: too late to go back. */
    public static final String TOO_LATE = "too_late";
    /** {@code rollback}: nothing earlier to roll back to, or its release directory is gone; nothing changed. */
    public static final String ROLLBACK_REFUSED = "rollback_refused";
    /** {@code reexec}: a rollout was still running at the request's timeout; nothing changed. */
    public static final String TIMEOUT = "timeout";

    private ControlProtocol() {
    }

    /** An answer under construction: {@code message("error").with("code", ...)}. */
    public static Message message(String type) {
        return new Message("type", type);
    }

    /** A client's request under construction: {@code request("restart").with("wait", true)}. */
    public static Message request(String op) {
        return new Message("op", op);
    }

    public static String encode(Map<String, ?> message) {
        try {
            return JSON.std.asString(message);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + message, e);
        }
    }

    /** One line back into a map; throws {@link IOException} when it is not a JSON object. */
    public static Map<String, Object> decode(String line) throws IOException {
        return JSON.std.mapFrom(line);
    }

    /** An ordered JSON object being built. */
    public static final class Message {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Message(String kind, String name) {
            fields.put(kind, name);
        }

        public Message with(String key, Object value) {
            fields.put(key, value);
            return this;
        }

        public Map<String, Object> fields() {
            return fields;
        }

        public String line() {
            return encode(fields);
        }
    }
}
