package io.rolld.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * The policy a starting rolld follows with what its predecessor left: which generations to try
 * to adopt, in order. Without a rollout in progress, the one that served. With one, by what the
 * front may have listed when it died ({@link Intent.FrontTarget}):
 *
 * <ul>
 * <li>{@code OLD} (STARTING, CHECKING): the old set; the new one is stopped, the front was never touched;
 * <li>{@code EITHER} (SWITCHING, a canary step, a bake): the new set if it verifies (the rollout is
 *     finished forward, the remaining bake is not resumed), else the old one; the front is applied
 *     again for whichever is adopted. A rollback in progress ({@code ROLLING_BACK}) goes on: the old set;
 * <li>{@code NEW} (DRAINING, STOPPING): the new set, else the old one.
 * </ul>
 */
record Reconcile(List<Long> generations) {
    Reconcile {
        generations = List.copyOf(generations);
    }

    static Reconcile of(Leftovers left) {
        if (left.intent().isEmpty()) {
            return new Reconcile(left.activeGeneration().isPresent() ? List.of(left.activeGeneration().getAsLong()) : List.of());
        }
        Intent i = left.intent().get();
        List<Long> order = new ArrayList<>();
        switch (i.front()) {
            case OLD -> order.add(i.from());
            case EITHER -> {
                if (i.phase() != Phase.ROLLING_BACK) {
                    order.add(i.to());
                }
                order.add(i.from());
            }
            case NEW -> {
                order.add(i.to());
                order.add(i.from());
            }
        }
        order.removeIf(g -> g < 1); // generation 0: no set served before the first start
        return new Reconcile(order);
    }

    /** Whether the front may list another set than {@code adopted}: then it is applied again for {@code adopted}. */
    boolean frontMayList(Intent intent, long adopted) {
        return switch (intent.front()) {
            case OLD -> adopted != intent.from();
            case EITHER -> true;
            case NEW -> adopted != intent.to();
        };
    }
}
