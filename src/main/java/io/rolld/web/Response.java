package io.rolld.web;

import java.nio.charset.StandardCharsets;

/** One rendered answer: what a route returns to {@link WebServer}. */
record Response(int status, String contentType, byte[] body) {
    static Response ok(String contentType, String body) {
        return new Response(200, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
}
