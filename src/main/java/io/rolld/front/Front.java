package io.rolld.front;

import io.rolld.config.FrontConfig;
import io.rolld.config.GroupConfig;
import io.rolld.haproxy.RuntimeApi;
import java.nio.file.Path;
import java.util.List;

/**
 * What spreads traffic over the workers, as a rollout switches it: {@link FrontSwitch} runs the
 * after_start hooks; {@link HaproxyFront} sets HAProxy's servers through its runtime API, then runs them.
 */
public interface Front {
    /** Points the front at {@code context}'s set (its ports, at its canary weight). */
    void apply(FrontContext context) throws FrontException;

    /** Puts the front back as it was before the first {@link #apply}; returns what could not be undone. */
    List<String> undo();

    /** A fresh front for one rollout of {@code group}; {@code configDir}: where the after_start hooks run. */
    static Front of(GroupConfig group, Path configDir) {
        FrontSwitch hooks = new FrontSwitch(group.afterStart(), configDir, group.hookTimeout());
        return switch (group.front()) {
            case FrontConfig.Hooks h -> hooks;
            case FrontConfig.Haproxy h -> new HaproxyFront(RuntimeApi.at(h.socket()), h.socket().toString(), h.backend(), hooks,
                    group.hookTimeout());
        };
    }
}
