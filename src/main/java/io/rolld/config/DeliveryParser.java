package io.rolld.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Parses a group's {@code bake}, {@code canary}, {@code batch} and {@code strategy} keys, once its mode is known. */
final class DeliveryParser {
    static final List<String> KEYS = List.of("bake", "canary", "batch", "strategy");
    private static final List<String> BAKE_KEYS = List.of("duration", "interval", "check");
    private static final List<String> STEP_KEYS = List.of("weight", "pause");

    private DeliveryParser() {
    }

    /**
     * {@code held} is present in held-socket mode: {@code batch} applies there, {@code canary} only
     * with worksets, and only with a {@code replace_file} hook or HAProxy's runtime API: the weights reach the front through a
     * template or through the API.
     */
    static Delivery parse(YamlMap group, String what, Optional<HeldSockets> held, List<Hook> afterStart, FrontConfig front)
            throws ConfigException {
        Optional<YamlNode> canary = group.get("canary");
        if (canary.isPresent() && held.isPresent()) {
            throw canary.get().error("'canary' in " + what + " only applies with 'workset' (hint: in held-socket mode every"
                    + " worker accepts from the same socket, so weights cannot be set; use 'batch: 1' to replace a few workers at a time)");
        }
        if (canary.isPresent() && front instanceof FrontConfig.Hooks && afterStart.stream().noneMatch(h -> h instanceof Hook.ReplaceFile)) {
            throw canary.get().error("'canary' in " + what + " needs a replace_file hook in 'after_start' or an HAProxy 'front' (hint:"
                    + " the front learns each step's weights from a template listing {{#servers}}{{port}} weight={{weight}}{{/servers}})");
        }
        Optional<YamlNode> batch = group.get("batch");
        if (batch.isPresent() && held.isEmpty()) {
            throw batch.get().error("'batch' in " + what + " only applies with 'listen' (hint: with worksets the whole new set"
                    + " starts on its own ports; use 'canary' steps to move traffic over gradually)");
        }
        Delivery.Strategy strategy = group.get("strategy", n -> strategy(n, "'strategy' in " + what, held, batch), Delivery.Strategy.ROLLING);
        return new Delivery(
                group.get("bake", n -> Optional.of(bake(n, "'bake' in " + what)), Optional.empty()),
                group.get("canary", n -> steps(n, "'canary' in " + what), List.of()),
                group.get("batch", n -> OptionalInt.of(batch(n, "'batch' in " + what, held.orElseThrow().workers())), OptionalInt.empty()),
                strategy);
    }

    /** {@code recreate} needs the held sockets (their queue keeps connections while no worker runs) and replaces every worker at once. */
    private static Delivery.Strategy strategy(YamlNode node, String what, Optional<HeldSockets> held, Optional<YamlNode> batch)
            throws ConfigException {
        String text = node.text(what);
        Delivery.Strategy strategy = switch (text) {
            case "rolling" -> Delivery.Strategy.ROLLING;
            case "recreate" -> Delivery.Strategy.RECREATE;
            default -> throw node.error(what + " is '" + text + "' (hint: rolling, the default, or recreate)");
        };
        if (strategy == Delivery.Strategy.RECREATE && held.isEmpty()) {
            throw node.error(what + ": recreate only applies with 'listen' (hint: with worksets nothing holds the port while no"
                    + " worker runs, so clients would be refused; held sockets keep them in the kernel's queue)");
        }
        if (strategy == Delivery.Strategy.RECREATE && batch.isPresent()) {
            throw node.error(what + ": recreate stops the whole old generation before the new one starts (hint: leave 'batch'"
                    + " out, or use the rolling strategy to replace workers batch by batch)");
        }
        return strategy;
    }

    private static Delivery.Bake bake(YamlNode node, String what) throws ConfigException {
        YamlMap map = node.map(what).allowOnly(BAKE_KEYS);
        YamlNode durationNode = map.require("duration", node);
        Duration duration = durationNode.duration("'duration' in " + what);
        Duration interval = map.get("interval", n -> n.duration("'interval' in " + what), Delivery.Bake.DEFAULT_INTERVAL);
        if (interval.compareTo(duration) > 0) {
            throw map.get("interval").orElse(durationNode).error("'interval' (" + interval.toMillis() + "ms) is longer than 'duration' ("
                    + duration.toMillis() + "ms) in " + what + " (hint: the new set is checked every interval while it bakes)");
        }
        return new Delivery.Bake(duration, interval, map.get("check", n -> Optional.of(check(n, "'check' in " + what)), Optional.empty()));
    }

    private static String check(YamlNode node, String what) throws ConfigException {
        String command = node.text(what);
        if (command.isBlank()) {
            throw node.error(what + " is empty (hint: a shell command that exits non-zero when the new version is unhealthy,"
                    + " e.g. './error-rate-ok.sh'; leave 'check' out to rely on the smoke tests)");
        }
        return command;
    }

    private static List<Delivery.CanaryStep> steps(YamlNode node, String what) throws ConfigException {
        List<YamlNode> items = node.list(what);
        if (items.isEmpty()) {
            throw node.error(what + " is empty (hint: list the steps, e.g. - {weight: 10, pause: 1m}; leave 'canary' out to switch at once)");
        }
        List<Delivery.CanaryStep> steps = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String step = "step " + (i + 1) + " of " + what;
            YamlMap map = items.get(i).map(step).allowOnly(STEP_KEYS);
            YamlNode weightNode = map.require("weight", items.get(i));
            long weight = weightNode.integer("a percentage (" + Delivery.CanaryStep.MIN_WEIGHT + ".." + Delivery.CanaryStep.MAX_WEIGHT + ")",
                    "'weight' in " + step);
            if (weight < Delivery.CanaryStep.MIN_WEIGHT || weight > Delivery.CanaryStep.MAX_WEIGHT) {
                throw weightNode.error("'weight' in " + step + " is " + weight + ", out of range " + Delivery.CanaryStep.MIN_WEIGHT + ".."
                        + Delivery.CanaryStep.MAX_WEIGHT + " (hint: the percent of traffic the new set gets during the step;"
                        + " the full switch after the last step is 100)");
            }
            if (!steps.isEmpty() && weight <= steps.getLast().weight()) {
                throw weightNode.error("'weight' in " + step + " is " + weight + ", not above the previous step's "
                        + steps.getLast().weight() + " (hint: each step moves more traffic to the new set)");
            }
            Duration pause = map.require("pause", items.get(i)).duration("'pause' in " + step);
            steps.add(new Delivery.CanaryStep((int) weight, pause));
        }
        return steps;
    }

    private static int batch(YamlNode node, String what, int workers) throws ConfigException {
        long n = node.integer("a number of workers (1.." + workers + ")", what);
        if (n < 1 || n > workers) {
            throw node.error(what + " is " + n + ", out of range 1.." + workers + " (hint: how many of the group's " + workers
                    + " worker" + (workers == 1 ? "" : "s") + " are replaced at a time)");
        }
        return (int) n;
    }
}
