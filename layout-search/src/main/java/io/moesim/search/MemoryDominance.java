package io.moesim.search;

import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Recompute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Knowledge of which layouts cannot fit in memory, inferred from layouts already found not to fit, so that the
 * genetic searches do not spend evaluations on them. Layout {@code a} <em>needs at least the memory of</em>
 * {@code b} when both have the same sizes ({@code nodes, tp, pp, vpp, cp, ep, etp}) and {@code a} has
 * <ul>
 *   <li>a micro-batch at least as large (activations and logits grow with it),</li>
 *   <li>no more recomputation ({@code none} keeps the most activations, {@code full} the fewest),</li>
 *   <li>the same dispatcher, or DeepEP or all-gather where {@code b} has the all-to-all (DeepEP adds its
 *       buffers; all-gather holds the gathered tokens),</li>
 * </ul>
 * and any {@code a2aOverlap}. Then, if {@code b} does not fit, neither does {@code a}. These are properties of the
 * memory model ({@code MemoryModel}); {@code MemoryDominanceTest} checks them on the real model, so a change of
 * the model that breaks one fails the build instead of silently misleading the search.
 *
 * <p>An inferred layout is never reported: infeasible layouts are not results. The exhaustive search does not
 * use this inference; it evaluates everything.
 *
 * @implNote thread-safe.
 */
final class MemoryDominance {
    private record Sizes(int nodes, int tp, int pp, int vpp, int cp, int ep, int etp) {
        static Sizes of(Layout l) {
            return new Sizes(l.nodes(), l.tp(), l.pp(), l.vpp(), l.cp(), l.ep(), l.etp());
        }
    }

    private final Map<Sizes, List<Evaluation>> doesNotFit = new HashMap<>();

    /** Records evaluations; only those that do not fit in memory matter. */
    synchronized void record(Iterable<Evaluation> evaluations) {
        for (Evaluation e : evaluations) {
            if (!e.fitsInMemory()) {
                doesNotFit.computeIfAbsent(Sizes.of(e.layout()), k -> new ArrayList<>()).add(e);
            }
        }
    }

    /** A recorded layout that does not fit and that {@code l} needs at least as much memory as, or null. */
    synchronized Evaluation dominatingMisfit(Layout l) {
        List<Evaluation> list = doesNotFit.get(Sizes.of(l));
        if (list != null) {
            for (Evaluation e : list) {
                if (needsAtLeast(l, e.layout())) {
                    return e;
                }
            }
        }
        return null;
    }

    /** Whether {@code a} needs at least the memory of {@code b} (same sizes assumed). */
    static boolean needsAtLeast(Layout a, Layout b) {
        return a.microBatch() >= b.microBatch() && weight(a.recompute()) >= weight(b.recompute())
                && (a.dispatcher() == b.dispatcher() || b.dispatcher() == Dispatcher.ALLTOALL)
                && Objects.equals(Sizes.of(a), Sizes.of(b));
    }

    private static int weight(Recompute r) {
        return switch (r) {
            case NONE -> 2;
            case SELECTIVE -> 1;
            case FULL -> 0;
        };
    }
}
