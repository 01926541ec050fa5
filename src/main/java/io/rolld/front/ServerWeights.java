package io.rolld.front;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers a front lists during a canary step, with integer weights ({@code weight=} of nginx
 * and HAProxy) such that the new set gets the step's percent of the total weight.
 *
 * <p>With {@code o} old and {@code n} new ports at {@code p} percent, each new server weighs
 * {@code p·o} and each old one {@code (100−p)·n}, divided by their common divisor: the new share
 * is then {@code n·p·o / (n·p·o + o·(100−p)·n) = p/100} exactly. HAProxy takes weights up to
 * {@value #MAX_WEIGHT}; larger pairs are scaled down to fit (each at least 1), which is exact
 * whenever the two worksets have the same size and close otherwise.
 */
public final class ServerWeights {
    public static final int MAX_WEIGHT = 256;

    private ServerWeights() {
    }

    /** One {@code server} line of the front. */
    public record Server(int port, int weight) {
    }

    /** Old and new ports together while {@code percent} is below 100; only the new ones, weight 1, at 100. */
    public static List<Server> split(List<Integer> oldPorts, List<Integer> newPorts, int percent) {
        List<Integer> old = oldPorts.stream().filter(p -> !newPorts.contains(p)).toList();
        if (percent >= FrontContext.FULL_WEIGHT || old.isEmpty()) {
            return newPorts.stream().map(p -> new Server(p, 1)).toList();
        }
        long newWeight = (long) percent * old.size();
        long oldWeight = (long) (FrontContext.FULL_WEIGHT - percent) * newPorts.size();
        long gcd = BigInteger.valueOf(newWeight).gcd(BigInteger.valueOf(oldWeight)).longValue();
        newWeight /= gcd;
        oldWeight /= gcd;
        long largest = Math.max(newWeight, oldWeight);
        if (largest > MAX_WEIGHT) {
            newWeight = Math.max(1, Math.round((double) newWeight * MAX_WEIGHT / largest));
            oldWeight = Math.max(1, Math.round((double) oldWeight * MAX_WEIGHT / largest));
        }
        List<Server> servers = new ArrayList<>();
        for (int p : old) {
            servers.add(new Server(p, (int) oldWeight));
        }
        for (int p : newPorts) {
            servers.add(new Server(p, (int) newWeight));
        }
        return servers;
    }
}
