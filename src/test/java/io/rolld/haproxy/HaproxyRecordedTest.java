package io.rolld.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.HaproxyTranscript;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The front, the drain's HAProxy sessions and the runtime API client against what Debian's
 * HAProxy 2.6 answered ({@code src/test/resources/haproxy/}, checked by {@link HaproxyAnswersIT}):
 * every command they send is the recorded one, and they read the answers right.
 */
class HaproxyRecordedTest {

    @Test
    void rollouts_canaryThenSwitchThenRelease_setEverySlotAndReuseSlotsByAddress() throws Exception {
        List<Object> seen = replay("rollouts", HaproxyScenarios::rollouts);

        assertEquals("s1=10001 w1 ready, s2=10002 w1 ready, s3-s8 maint", table(seen.get(0)), "generation 1");
        assertEquals("s1=10001 w3 ready, s2=10002 w3 ready, s3=10501 w1 ready, s4=10502 w1 ready, s5-s8 maint", table(seen.get(1)),
                "25 %: each new server weighs 1, each old one 3");
        assertEquals("s1=10001 drain, s2=10002 drain, s3=10501 w1 ready, s4=10502 w1 ready, s5-s8 maint", table(seen.get(2)),
                "the switch");
        assertEquals(Map.of(), seen.get(3), "no session left on the old servers");
        assertEquals("s1=10001 maint, s2=10002 maint, s3=10501 w1 ready, s4=10502 w1 ready, s5-s8 maint", table(seen.get(4)),
                "released by the drain");
        assertEquals("s1=10001 w1 ready, s2=10002 w1 ready, s3=10501 drain, s4=10502 drain, s5-s8 maint", table(seen.get(5)),
                "generation 3 back on the slots still at its ports");
    }

    @Test
    void undo_afterCanaryAndSwitch_putsEverySlotBack() throws Exception {
        List<Object> seen = replay("undo", HaproxyScenarios::undo);

        assertEquals("s1=10001 drain, s2=10002 drain, s3=10501 w1 ready, s4=10502 w1 ready, s5-s8 maint", table(seen.get(1)));
        assertEquals(List.of(), seen.get(2), "nothing left undone");
        assertEquals(table(seen.get(0)), table(seen.get(3)));
        assertEquals(seen.get(0), seen.get(3), "every field, weights and addresses too");
    }

    @Test
    void apply_whenTheBackendDoesNotExist_failsWithHaproxysAnswerAndSetsNothing() throws Exception {
        List<Object> seen = replay("wrong-backend", HaproxyScenarios::wrongBackend);

        assertEquals("HAProxy at the test's socket refused 'show servers state nosuch': Can't find backend.", seen.get(0));
        assertEquals(List.of(), seen.get(1));
        assertEquals("s1=10001 w1 ready, s2=10002 w1 ready, s3-s8 maint", table(seen.get(2)));
    }

    @Test
    void canaryStep_whenHaproxyRefusesTheWeights_failsWithItsAnswerAndLeavesTheBackendAsItWas() throws Exception {
        List<Object> seen = replay("weights-refused", HaproxyScenarios::weightsRefused);

        assertEquals("HAProxy at the test's socket refused 'set server static/s1 weight 3': Backend is using a static LB algorithm"
                + " and only accepts weights '0%' and '100%'.", seen.get(1));
        assertEquals(List.of(), seen.get(2));
        assertEquals(seen.get(0), seen.get(3));
        assertEquals("s1=10001 w1 ready, s2=10002 w1 ready, s3-s8 maint", table(seen.get(3)));
    }

    @Test
    void commands_thatHaproxyRefuses_throwRefusedWithItsAnswer() throws Exception {
        List<Object> seen = replay("refusals", HaproxyScenarios::refusals);

        assertEquals(List.of(
                "HAProxy refused 'set server app-servers/s1 weight 300': Absolute weight can only be between 0 and 256 inclusive.",
                "HAProxy refused 'set server app-servers/nosuch state ready': No such server.",
                "HAProxy refused 'set server app-servers/s1 addr localhost port 10001': Invalid addr 'localhost' by 'stats socket command'",
                "HAProxy refused 'set server nosuch/s1 addr 127.0.0.1 port 10001': No such backend.",
                "HAProxy refused 'show stat nosuch 4 -1': No such proxy.",
                "HAProxy refused 'show servers state nosuch': Can't find backend."), seen);
    }

    @Test
    void apply_whenTooFewFreeSlots_failsBeforeSettingAnything() throws Exception {
        List<Object> seen = replay("too-few-slots", HaproxyScenarios::tooFewSlots);

        assertEquals("backend app-servers has 8 servers, 3 of them free, but 5 more are needed for ports"
                + " [10501, 10502, 10503, 10504, 10505]"
                + " (hint: a slot for every port of two worksets, e.g. server-template s 1-10 127.0.0.1:1 disabled)", seen.get(0));
        assertEquals("s1=10001 w1 ready, s2=10002 w1 ready, s3=10003 w1 ready, s4=10004 w1 ready, s5=10005 w1 ready, s6-s8 maint",
                table(seen.get(1)));
    }

    @Test
    void sessions_ofARequestInFlight_areCountedWhileDrainingAndAfterTheRelease() throws Exception {
        List<Object> seen = replay("session-in-flight",
                api -> HaproxyScenarios.sessionInFlight(api, HaproxyScenarios.SILENT, () -> { }));

        assertEquals(Map.of(HaproxyScenarios.SILENT, 1), seen.get(0), "serving");
        assertEquals(Map.of(HaproxyScenarios.SILENT, 1), seen.get(1), "draining");
        assertEquals("s1=10009 maint, s2=10501 w1 ready, s3=10502 w1 ready, s4-s8 maint", table(seen.get(2)), "released");
        assertEquals(Map.of(HaproxyScenarios.SILENT, 1), seen.get(3), "maintenance closes idle connections, not sessions");
    }

    private static List<Object> replay(String name, HaproxyScenarios.Scenario scenario) throws Exception {
        HaproxyTranscript recording = HaproxyTranscript.load(HaproxyTranscript.DIR.resolve(name + ".txt"));
        List<Object> seen = scenario.run(new RuntimeApi(recording.replay()));
        assertTrue(recording.allReplayed(), "every recorded command was sent");
        return seen;
    }

    /** {@code s1=10001 w1 ready, ..., s5-s8 maint}: the slots as the assertions read them; trailing parked slots in one range. */
    @SuppressWarnings("unchecked")
    private static String table(Object servers) {
        List<Server> list = (List<Server>) servers;
        int tail = list.size();
        while (tail > 0 && list.get(tail - 1).state() == AdminState.MAINT && list.get(tail - 1).port() == 1) {
            tail--;
        }
        List<String> cells = list.subList(0, tail).stream().map(s -> s.name() + "=" + s.port()
                + (s.state() == AdminState.READY ? " w" + s.weight() : "") + " " + s.state().name().toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.toList());
        if (tail < list.size()) {
            cells.add(list.get(tail).name() + "-" + list.getLast().name() + " maint");
        }
        return String.join(", ", cells);
    }
}
