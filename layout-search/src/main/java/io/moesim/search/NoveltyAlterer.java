package io.moesim.search;

import io.jenetics.Alterer;
import io.jenetics.AltererResult;
import io.jenetics.IntegerGene;
import io.jenetics.Phenotype;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The last alterer of the layout search: an offspring whose layout brings nothing new — already evaluated,
 * already taken by an earlier offspring of the same generation, or ruled out by {@link MemoryDominance} — is
 * moved to a new layout near it: one dimension changed to another candidate value, the rest repaired to the
 * nearest valid layout keeping that value, up to {@value #TRIES} tries from the layout reached so far.
 *
 * <p>Without it a converged population yields one or two new layouts per generation, so the evaluations of
 * a generation cannot keep more than one or two threads busy and the search takes hundreds of generations.
 * With it every offspring is new, a generation is a batch of parallel evaluations, and the budget is spent
 * in tens of generations; on the Qwen3-235B benchmark of docs/search.md the share of seeds reaching 98% of the
 * optimum is unchanged.
 *
 * <pre>{@code
 * .alterers(new UniformCrossover<>(0.5, 0.5), new LayoutMutator<>(codec, 0.1),
 *           new NoveltyAlterer<>(codec, evaluator::isCached, dominance))
 * }</pre>
 *
 * @param <C> the fitness type
 * @implNote draws only from {@link RandomRegistry#random()} on the calling thread; deterministic for a seed as
 * long as {@code evaluated} answers the same for the same history.
 */
final class NoveltyAlterer<C extends Comparable<? super C>> implements Alterer<IntegerGene, C> {
    /** Moves tried before an offspring is left as it is. */
    static final int TRIES = 20;

    private final LayoutCodec codec;
    private final Predicate<Layout> evaluated;
    private final MemoryDominance dominance;

    /**
     * @param evaluated whether a layout has been evaluated already
     * @param dominance layouts known not to fit
     */
    NoveltyAlterer(LayoutCodec codec, Predicate<Layout> evaluated, MemoryDominance dominance) {
        this.codec = codec;
        this.evaluated = evaluated;
        this.dominance = dominance;
    }

    @Override
    public AltererResult<IntegerGene, C> alter(Seq<Phenotype<IntegerGene, C>> population, long generation) {
        RandomGenerator random = RandomRegistry.random();
        SearchSpace space = codec.space();
        Set<Layout> taken = new HashSet<>();
        List<Phenotype<IntegerGene, C>> out = new ArrayList<>(population.size());
        int moved = 0;
        for (Phenotype<IntegerGene, C> pt : population) {
            Layout l = codec.decode(pt.genotype());
            if (pt.isEvaluated() || isNew(l, taken)) {
                taken.add(l);
                out.add(pt);
                continue;
            }
            Layout pick = null;
            int[] idx = space.indicesOf(l);
            int[] sizes = space.sizes();
            for (int t = 0; t < TRIES && pick == null; t++) {
                int d = random.nextInt(sizes.length);
                if (sizes[d] < 2) {
                    continue;
                }
                int v = random.nextInt(sizes[d] - 1);
                int[] n = idx.clone();
                n[d] = v >= idx[d] ? v + 1 : v;
                int position = space.nearestValid(n, d);
                if (position < 0) {
                    continue;
                }
                Layout candidate = space.validLayouts().get(position);
                if (isNew(candidate, taken)) {
                    pick = candidate;
                } else {
                    idx = space.indicesOf(candidate);
                }
            }
            if (pick == null) {
                taken.add(l);
                out.add(pt);
            } else {
                taken.add(pick);
                out.add(Phenotype.of(codec.encode(pick), generation));
                moved++;
            }
        }
        return new AltererResult<>(ISeq.of(out), moved);
    }

    private boolean isNew(Layout l, Set<Layout> taken) {
        return !evaluated.test(l) && !taken.contains(l) && dominance.dominatingMisfit(l) == null;
    }
}
