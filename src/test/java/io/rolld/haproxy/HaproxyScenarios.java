package io.rolld.haproxy;

import io.rolld.drain.HaproxySessions;
import io.rolld.front.Front;
import io.rolld.front.FrontContext;
import io.rolld.front.FrontException;
import io.rolld.front.FrontSwitch;
import io.rolld.front.HaproxyFront;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What rolld does to an HAProxy backend, step by step, told to a {@link RuntimeApi}: replayed from
 * the recordings in {@code src/test/resources/haproxy/} by {@link HaproxyRecordedTest}, and run
 * against the real HAProxy by {@link HaproxyAnswersIT}, which checks (or writes) those recordings.
 * The backend is example/haproxy-backend.cfg.mustache rendered with no server (8 free slots), plus
 * {@link #STATIC_BACKEND} with 8 free slots.
 */
final class HaproxyScenarios {
    static final String BACKEND = "app-servers";
    /** A second backend, {@code balance static-rr}: HAProxy refuses to change its weights at run time. */
    static final String STATIC_BACKEND = "static";
    static final List<Integer> FIRST = List.of(10001, 10002);
    static final List<Integer> SECOND = List.of(10501, 10502);
    /** The port of a worker that never answers, in the recording ({@link HaproxyAnswersIT} binds a free one and writes this). */
    static final int SILENT = 10009;

    /** A scenario's name (its recording's) and what it observed. */
    interface Scenario {
        List<Object> run(RuntimeApi api) throws Exception;
    }

    private HaproxyScenarios() {
    }

    /** Generation 1 on FIRST; 2 on SECOND with a 25 % canary step, then the full switch; the drain's release of FIRST; 3 back on FIRST. */
    static List<Object> rollouts(RuntimeApi api) throws Exception {
        List<Object> seen = new ArrayList<>();
        front(api, BACKEND).apply(context(1, FIRST, List.of()));
        seen.add(api.servers(BACKEND));
        Front second = front(api, BACKEND);
        FrontContext two = context(2, SECOND, FIRST);
        second.apply(two.withCanaryWeight(25));
        seen.add(api.servers(BACKEND));
        second.apply(two);
        seen.add(api.servers(BACKEND));
        HaproxySessions sessions = new HaproxySessions(api, BACKEND);
        seen.add(sessions.open(Set.copyOf(FIRST)));
        sessions.release(Set.copyOf(FIRST));
        seen.add(api.servers(BACKEND));
        front(api, BACKEND).apply(context(3, FIRST, SECOND));
        seen.add(api.servers(BACKEND));
        return seen;
    }

    /** Generation 2's canary step and switch, then undone: every slot as after generation 1. */
    static List<Object> undo(RuntimeApi api) throws Exception {
        List<Object> seen = new ArrayList<>();
        front(api, BACKEND).apply(context(1, FIRST, List.of()));
        seen.add(api.servers(BACKEND));
        Front second = front(api, BACKEND);
        FrontContext two = context(2, SECOND, FIRST);
        second.apply(two.withCanaryWeight(25));
        second.apply(two);
        seen.add(api.servers(BACKEND));
        seen.add(second.undo());
        seen.add(api.servers(BACKEND));
        return seen;
    }

    /** A backend name HAProxy does not have: the switch fails with HAProxy's answer; nothing is set. */
    static List<Object> wrongBackend(RuntimeApi api) throws Exception {
        List<Object> seen = new ArrayList<>();
        front(api, BACKEND).apply(context(1, FIRST, List.of()));
        Front wrong = front(api, "nosuch");
        try {
            wrong.apply(context(2, SECOND, FIRST));
            seen.add("applied");
        } catch (FrontException e) {
            seen.add(e.getMessage());
        }
        seen.add(wrong.undo());
        seen.add(api.servers(BACKEND));
        return seen;
    }

    /**
     * A canary step on a backend whose balancing takes no weights at run time: HAProxy refuses the
     * first {@code set server ... weight}; the step fails with its answer and the backend is unchanged.
     */
    static List<Object> weightsRefused(RuntimeApi api) throws Exception {
        List<Object> seen = new ArrayList<>();
        front(api, STATIC_BACKEND).apply(context(1, FIRST, List.of()));
        seen.add(api.servers(STATIC_BACKEND));
        Front second = front(api, STATIC_BACKEND);
        try {
            second.apply(context(2, SECOND, FIRST).withCanaryWeight(25));
            seen.add("applied");
        } catch (FrontException e) {
            seen.add(e.getMessage());
        }
        seen.add(second.undo());
        seen.add(api.servers(STATIC_BACKEND));
        return seen;
    }

    /** Commands HAProxy refuses, one by one: each answer is kept. */
    static List<Object> refusals(RuntimeApi api) {
        List<Object> seen = new ArrayList<>();
        List<Step> steps = List.of(
                () -> api.setWeight(BACKEND, "s1", 300),
                () -> api.setState(BACKEND, "nosuch", AdminState.READY),
                () -> api.setAddress(BACKEND, "s1", "localhost", 10001),
                () -> api.setAddress("nosuch", "s1", "127.0.0.1", 10001),
                () -> api.sessions("nosuch"),
                () -> api.servers("nosuch"));
        for (Step step : steps) {
            try {
                step.run();
                seen.add("taken");
            } catch (Refused e) {
                seen.add(e.getMessage());
            } catch (Exception e) {
                seen.add("unexpected " + e);
            }
        }
        return seen;
    }

    /** Two worksets of 5 on 8 slots: the second switch is refused before anything is set. */
    static List<Object> tooFewSlots(RuntimeApi api) throws Exception {
        List<Object> seen = new ArrayList<>();
        List<Integer> first = List.of(10001, 10002, 10003, 10004, 10005);
        List<Integer> second = List.of(10501, 10502, 10503, 10504, 10505);
        front(api, BACKEND).apply(context(1, first, List.of()));
        try {
            front(api, BACKEND).apply(context(2, second, first));
            seen.add("applied");
        } catch (FrontException e) {
            seen.add(e.getMessage());
        }
        seen.add(api.servers(BACKEND));
        return seen;
    }

    /**
     * A request in flight on the worker at {@link #SILENT} ({@code inFlight} starts it and returns
     * once the worker accepted it): HAProxy counts its session while the slot drains and after the
     * release, which closes only idle connections.
     */
    static List<Object> sessionInFlight(RuntimeApi api, int silentPort, Step inFlight) throws Exception {
        List<Object> seen = new ArrayList<>();
        front(api, BACKEND).apply(context(1, List.of(silentPort), List.of()));
        inFlight.run();
        HaproxySessions sessions = new HaproxySessions(api, BACKEND);
        seen.add(sessions.open(Set.of(silentPort)));
        front(api, BACKEND).apply(context(2, SECOND, List.of(silentPort)));
        Map<Integer, Integer> draining = sessions.open(Set.of(silentPort));
        seen.add(draining);
        sessions.release(Set.of(silentPort));
        seen.add(api.servers(BACKEND));
        seen.add(sessions.open(Set.of(silentPort)));
        return seen;
    }

    interface Step {
        void run() throws Exception;
    }

    /** A front with no after_start hooks. */
    static Front front(RuntimeApi api, String backend) {
        return new HaproxyFront(api, "the test's socket", backend, new FrontSwitch(List.of(), Path.of("."), Duration.ofSeconds(5)),
                Duration.ofSeconds(5));
    }

    static FrontContext context(long generation, List<Integer> ports, List<Integer> oldPorts) {
        return new FrontContext("app", generation, ports, oldPorts, List.of());
    }
}
