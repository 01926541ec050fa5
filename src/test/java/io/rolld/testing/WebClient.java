package io.rolld.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET requests to rolld's HTTP listener (or a Prometheus) on loopback, with a per-request timeout. */
public final class WebClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String base;

    public WebClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public String url(String path) {
        return base + path;
    }

    public HttpResponse<String> get(String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("GET " + base + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: GET " + base + path, e);
        }
    }

    /** The body of a GET that must answer 200. */
    public String body(String path) {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + base + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
