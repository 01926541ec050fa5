package io.rolld.probe;

import io.rolld.config.SmokeTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * GET a path and judge status and body. Connections are never reused: a pooled idle connection
 * would count as an established connection on the worker's port and hold up its later drain.
 */
final class HttpProbe implements Probe {
    private static final int MAX_BODY_IN_DETAIL = 200;

    private final SmokeTest.Http spec;
    private final CloseableHttpClient client;

    HttpProbe(SmokeTest.Http spec) {
        this.spec = spec;
        Timeout timeout = Timeout.of(spec.requestTimeout());
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).build())
                .setConnectionReuseStrategy((request, response, context) -> false)
                .disableAutomaticRetries()
                .build();
    }

    @Override
    public ProbeResult check(String host, int port) {
        String url = "http://" + hostInUrl(host) + ":" + port + spec.path();
        try {
            return client.execute(new HttpGet(url), response -> {
                int status = response.getCode();
                String body = response.getEntity() == null ? ""
                        : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                boolean statusOk = spec.status().map(s -> s == status).orElse(status >= 200 && status < 300);
                if (!statusOk) {
                    return new ProbeResult.NotReady("GET " + url + " answered " + status + expected() + bodyExcerpt(body));
                }
                if (spec.bodyContains().isPresent() && !body.contains(spec.bodyContains().get())) {
                    return new ProbeResult.NotReady("GET " + url + " answered " + status
                            + " without '" + spec.bodyContains().get() + "' in the body" + bodyExcerpt(body));
                }
                return new ProbeResult.Ready();
            });
        } catch (IOException | RuntimeException e) {
            // RuntimeException: the client's pool refuses work when the rollout is interrupted.
            return new ProbeResult.Unreachable("GET " + url + ": " + e);
        }
    }

    private String expected() {
        return spec.status().map(s -> " (expected " + s + ")").orElse(" (expected 2xx)");
    }

    private static String bodyExcerpt(String body) {
        String flat = body.strip().replace('\n', ' ');
        if (flat.isEmpty()) {
            return "";
        }
        return ": " + (flat.length() > MAX_BODY_IN_DETAIL ? flat.substring(0, MAX_BODY_IN_DETAIL) + "..." : flat);
    }

    private static String hostInUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** At once: a graceful close waits for a connection a hung worker never answered (seconds, past the check's timeout). */
    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }
}
