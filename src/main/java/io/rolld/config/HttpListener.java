package io.rolld.config;

/**
 * rolld's own HTTP listener ({@code http:} in the rolld settings): Prometheus metrics, the status
 * page and the status JSON. It has no authentication, so it binds loopback unless the file says
 * {@code http_public: true}.
 *
 * @param host an IP literal, e.g. {@code 127.0.0.1} or {@code ::1}
 */
public record HttpListener(String host, int port) {
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
