package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which generation a starting rolld tries to adopt first, for every moment its predecessor may have died in. */
class ReconcileTest {
    static Stream<Arguments> moments() {
        return Stream.of(
                Arguments.of("no rollout in progress", Optional.empty(), List.of(3L)),
                Arguments.of("STARTING: front untouched", Optional.of(Intent.of(Phase.STARTING, 3, Intent.FrontTarget.OLD)), List.of(3L)),
                Arguments.of("CHECKING: front untouched", Optional.of(Intent.of(Phase.CHECKING, 3, Intent.FrontTarget.OLD)), List.of(3L)),
                Arguments.of("first start CHECKING: nothing to adopt", Optional.of(Intent.of(Phase.CHECKING, 0, Intent.FrontTarget.OLD)), List.of()),
                Arguments.of("SWITCHING: forward if it verifies", Optional.of(Intent.of(Phase.SWITCHING, 3, Intent.FrontTarget.EITHER)), List.of(4L, 3L)),
                Arguments.of("BAKING: forward if it verifies", Optional.of(Intent.of(Phase.BAKING, 3, Intent.FrontTarget.EITHER)), List.of(4L, 3L)),
                Arguments.of("first start SWITCHING", Optional.of(Intent.of(Phase.SWITCHING, 0, Intent.FrontTarget.EITHER)), List.of(1L)),
                Arguments.of("ROLLING_BACK: the rollback goes on", Optional.of(Intent.of(Phase.ROLLING_BACK, 3, Intent.FrontTarget.EITHER)), List.of(3L)),
                Arguments.of("DRAINING: the new set", Optional.of(Intent.of(Phase.DRAINING, 3, Intent.FrontTarget.NEW)), List.of(4L, 3L)),
                Arguments.of("STOPPING: the new set", Optional.of(Intent.of(Phase.STOPPING, 3, Intent.FrontTarget.NEW)), List.of(4L, 3L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("moments")
    void of_triesTheGenerationsInThePolicysOrder(String moment, Optional<Intent> intent, List<Long> order) {
        assertEquals(order, Reconcile.of(new Leftovers(OptionalLong.of(3), List.of(), intent)).generations());
    }

    @org.junit.jupiter.api.Test
    void frontMayList_whereTheFrontMayListAnotherSetThanTheAdoptedOne() {
        Reconcile r = Reconcile.of(Leftovers.none());
        Intent checking = Intent.of(Phase.CHECKING, 3, Intent.FrontTarget.OLD);
        Intent switching = Intent.of(Phase.SWITCHING, 3, Intent.FrontTarget.EITHER);
        Intent draining = Intent.of(Phase.DRAINING, 3, Intent.FrontTarget.NEW);
        assertEquals(List.of(false, true), List.of(r.frontMayList(checking, 3), r.frontMayList(checking, 4)));
        assertEquals(List.of(true, true), List.of(r.frontMayList(switching, 3), r.frontMayList(switching, 4)));
        assertEquals(List.of(true, false), List.of(r.frontMayList(draining, 3), r.frontMayList(draining, 4)));
    }
}
