package io.rolld.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code n} sequential requests through a front, counted by the generation that answered (from app.py's body). */
record GenerationSample(Map<Long, Integer> byGeneration, int failed) {
    private static final Pattern GENERATION = Pattern.compile("generation (\\d+)");

    static GenerationSample take(int port, int n) throws IOException, InterruptedException {
        Map<Long, Integer> counts = new TreeMap<>();
        int failed = 0;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build();
            for (int i = 0; i < n; i++) {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                Matcher m = GENERATION.matcher(response.body());
                if (response.statusCode() != 200 || !m.find()) {
                    failed++;
                } else {
                    counts.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
                }
            }
        }
        return new GenerationSample(counts, failed);
    }

    /** Percent of the answered requests that came from {@code generation}. */
    double percentOf(long generation) {
        int total = byGeneration.values().stream().mapToInt(Integer::intValue).sum();
        return total == 0 ? 0 : 100.0 * byGeneration.getOrDefault(generation, 0) / total;
    }
}
