package io.rolld.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who a group's workers run as ({@code user:} and {@code group:}), for a rolld running as root.
 * posix_spawn cannot change ids in the child, so the command is exec'd through util-linux
 * {@code setpriv}: no shell, no PAM session, nothing but the id change (the pid stays the worker's).
 */
public record RunAs(Optional<String> user, Optional<String> group) {
    /** The argv that switches identity, then execs the worker's own argv. */
    public List<String> prefix() {
        List<String> argv = new ArrayList<>(List.of("setpriv"));
        user.ifPresent(u -> argv.addAll(List.of("--reuid=" + u, "--init-groups")));
        group.ifPresent(g -> argv.add("--regid=" + g));
        argv.add("--");
        return argv;
    }
}
