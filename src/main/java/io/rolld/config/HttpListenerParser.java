package io.rolld.config;

import java.util.Optional;

/** Parses {@code http} and {@code http_public} of the rolld settings into an {@link HttpListener}. */
final class HttpListenerParser {
    private static final String HINT = " (hint: an IP and a port such as 127.0.0.1:9180 or [::1]:9180)";

    private HttpListenerParser() {
    }

    /** Empty unless {@code http} is set; {@code ports} is claims the port, so no group may use it. */
    static Optional<HttpListener> parse(YamlMap settings, String what, PortRegistry ports) throws ConfigException {
        Optional<YamlNode> http = settings.get("http");
        Optional<YamlNode> isPublic = settings.get("http_public");
        if (http.isEmpty()) {
            if (isPublic.isPresent()) {
                throw isPublic.get().error("'http_public' in " + what + " only applies with 'http' (hint: http: 127.0.0.1:9180)");
            }
            return Optional.empty();
        }
        YamlNode node = http.get();
        String owner = "'http' in " + what;
        InetAddressText address = InetAddressText.parse(node, node.text(owner), owner, HINT);
        int port = ports.claimWritten(address.portDigits(), owner, node);
        boolean allowPublic = settings.get("http_public", n -> n.bool("'http_public' in " + what), false);
        if (!address.host().isLoopbackAddress() && !allowPublic) {
            throw node.error(owner + " is " + node.text(owner) + ", not a loopback address: the status page and /metrics have no"
                    + " authentication (hint: 127.0.0.1:" + port + ", or add 'http_public: true' to serve every client that can reach it)");
        }
        return Optional.of(new HttpListener(address.host().getHostAddress(), port));
    }
}
