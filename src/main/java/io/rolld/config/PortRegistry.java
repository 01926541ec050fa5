package io.rolld.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Every port of one rolld.yml and where it was first written. A port may appear once in the whole
 * file: two worksets sharing a port could not run side by side during a rollout, and two groups
 * sharing one would fight over it.
 */
final class PortRegistry {
    static final int MIN = 1;
    static final int MAX = 65535;

    private record Claim(String owner, YamlNode at) {
    }

    private final Map<Integer, Claim> claims = new HashMap<>();

    /** Checks the range of a port written as {@code digits} in {@code owner}, then claims it; returns the port. */
    int claimWritten(String digits, String owner, YamlNode at) throws ConfigException {
        int port;
        try {
            port = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < MIN || port > MAX) {
            throw at.error("port " + digits + " in " + owner + " is out of range " + MIN + ".." + MAX);
        }
        claim(port, owner, at);
        return port;
    }

    /** @param owner the port's workset in words, e.g. {@code workset 2 of group 'app'} */
    void claim(int port, String owner, YamlNode at) throws ConfigException {
        Claim first = claims.putIfAbsent(port, new Claim(owner, at));
        if (first == null) {
            return;
        }
        if (first.owner().equals(owner)) {
            throw at.error("port " + port + " appears twice in " + owner + " (first at " + first.at().position() + ")");
        }
        throw at.error("port " + port + " in " + owner + " is already used by " + first.owner() + " at " + first.at().position()
                + " (hint: old and new workers run side by side during a rollout, so each port belongs to one workset only)");
    }
}
