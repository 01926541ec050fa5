package io.rolld.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A writer of the Prometheus text exposition format (version 0.0.4): one {@code # HELP} and
 * {@code # TYPE} per family, then its samples. Label values are escaped as the format asks
 * (backslash, double quote, newline); HELP text escapes backslash and newline.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    enum Type { COUNTER, GAUGE, HISTOGRAM }

    private final StringBuilder out = new StringBuilder(4096);

    /** Starts a family; its samples follow. */
    PrometheusText family(String name, Type type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.name().toLowerCase(Locale.ROOT)).append('\n');
        return this;
    }

    /** One sample; {@code labels} in the order given (name, value, name, value...). */
    PrometheusText sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    /** A histogram's {@code _bucket}, {@code _sum} and {@code _count} samples. */
    PrometheusText histogram(String name, Histogram h, String... labels) {
        List<Double> bounds = Histogram.BOUNDS;
        for (int i = 0; i < bounds.size(); i++) {
            sample(name + "_bucket", h.cumulative(i), with(labels, "le", number(bounds.get(i))));
        }
        sample(name + "_bucket", h.count(), with(labels, "le", "+Inf"));
        sample(name + "_sum", h.sum(), labels);
        return sample(name + "_count", h.count(), labels);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Integers without a fraction, others in Java's shortest form; the format's words for the special values. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String[] with(String[] labels, String name, String value) {
        Map<String, String> all = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            all.put(labels[i], labels[i + 1]);
        }
        all.put(name, value);
        return all.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
    }
}
