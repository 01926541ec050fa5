package io.rolld.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void sample_whenLabelValueHasQuotesBackslashesAndNewlines_escapesThem() {
        String text = new PrometheusText().family("rolld_x", PrometheusText.Type.GAUGE, "a\\b\nc")
                .sample("rolld_x", 2, "group", "a\"b\\c\nd").toString();

        assertEquals("""
                # HELP rolld_x a\\\\b\\nc
                # TYPE rolld_x gauge
                rolld_x{group="a\\"b\\\\c\\nd"} 2
                """, text);
    }

    @Test
    void number_whenSpecialOrFractional_usesTheFormatsWords() {
        assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusText.number(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", PrometheusText.number(Double.NaN));
        assertEquals("3", PrometheusText.number(3.0));
        assertEquals("0.25", PrometheusText.number(0.25));
    }

    @Test
    void histogram_whenObserved_writesCumulativeBucketsSumAndCount() {
        Histogram h = Histogram.empty().observe(0.07).observe(0.3).observe(400);

        String text = new PrometheusText().histogram("rolld_d_seconds", h, "group", "app").toString();

        assertEquals("rolld_d_seconds_bucket{group=\"app\",le=\"0.05\"} 0\n"
                + "rolld_d_seconds_bucket{group=\"app\",le=\"0.1\"} 1\n"
                + "rolld_d_seconds_bucket{group=\"app\",le=\"0.25\"} 1\n"
                + "rolld_d_seconds_bucket{group=\"app\",le=\"0.5\"} 2\n", String.join("\n", text.lines().limit(4).toList()) + "\n");
        assertEquals(java.util.List.of(
                "rolld_d_seconds_bucket{group=\"app\",le=\"300\"} 2",
                "rolld_d_seconds_bucket{group=\"app\",le=\"+Inf\"} 3",
                "rolld_d_seconds_sum{group=\"app\"} 400.37",
                "rolld_d_seconds_count{group=\"app\"} 3"), text.lines().skip(Histogram.BOUNDS.size() - 1).toList());
    }
}
