package io.moesim.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LayoutSearchTest {

    @Test
    void exhaustiveEqualsABruteForceLoop() throws Exception {
        SearchSpace space = Fixtures.tinySpace();
        TrainingSimulator sim = Fixtures.h100();
        List<Evaluation> loop = new ArrayList<>();
        for (Layout l : space.validLayouts()) {
            Evaluation e = sim.evaluate(l, l.applyTo(space.base()));
            if (e.feasible()) {
                loop.add(e);
            }
        }
        loop.sort(Comparator.comparingDouble(Evaluation::tokensPerSecondPerGpu).reversed());
        SearchResult r = LayoutSearch.builder(space, sim).threads(2).build().exhaustive();
        assertThat(r.validLayouts()).isEqualTo(space.validLayouts().size()).isBetween(20, 200);
        assertThat(r.evaluations()).isEqualTo(r.validLayouts());
        assertThat(r.ranked()).containsExactlyInAnyOrderElementsOf(loop);
        assertThat(r.best()).contains(loop.get(0));
        assertThat(r.ranked()).isSortedAccordingTo(Evaluation.BEST_FIRST);
        assertThat(r.invalidIndividuals()).isZero();
    }

    @Test
    void theGeneticAlgorithmNeverEvaluatesAnInvalidIndividual() throws Exception {
        SearchSpace space = Fixtures.smallSpace();
        Fixtures.Counting sim = new Fixtures.Counting(Fixtures.h100());
        int budget = 80;
        SearchResult r = LayoutSearch.builder(space, sim).budget(budget).seed(5).threads(2).build().genetic();
        // every individual the engine asked a fitness for was counted and checked
        assertThat(r.individuals()).isGreaterThanOrEqualTo(LayoutSearch.defaultPopulation(budget));
        assertThat(r.invalidIndividuals()).isZero();
        // every layout that reached the simulator passed the rules, and none twice
        assertThat(sim.invalid.get()).isZero();
        assertThat(sim.repeated.get()).isZero();
        assertThat(sim.calls.get()).isEqualTo(r.evaluations());
        assertThat(r.evaluations()).isEqualTo(budget);
        assertThat(r.individuals()).isGreaterThanOrEqualTo(r.cacheHits() + r.inferredMisfits());
        assertThat(r.generations()).isGreaterThan(1);
        for (Evaluation e : r.ranked()) {
            assertThat(space.isValid(e.layout())).isTrue();
            assertThat(e.feasible()).isTrue();
        }
    }

    @Test
    void sameSeedSameResultOnOneAndFourThreads() throws Exception {
        SearchSpace space = Fixtures.smallSpace();
        TrainingSimulator sim = Fixtures.h100();
        SearchResult one = LayoutSearch.builder(space, sim).budget(60).seed(11).threads(1).build().genetic();
        SearchResult four = LayoutSearch.builder(space, sim).budget(60).seed(11).threads(4).build().genetic();
        assertThat(four.ranked()).containsExactlyElementsOf(one.ranked());
        assertThat(four.generations()).isEqualTo(one.generations());
        assertThat(four.individuals()).isEqualTo(one.individuals());
        assertThat(four.cacheHits()).isEqualTo(one.cacheHits());
        SearchResult otherSeed = LayoutSearch.builder(space, sim).budget(60).seed(12).threads(4).build().genetic();
        assertThat(layouts(otherSeed.ranked())).as("another seed explores differently")
                .isNotEqualTo(layouts(one.ranked()));
    }

    private static Set<Layout> layouts(List<Evaluation> es) {
        Set<Layout> out = new HashSet<>();
        es.forEach(e -> out.add(e.layout()));
        return out;
    }

    @Test
    void theGeneticAlgorithmComesCloseToTheOptimumOnASmallSpace() throws Exception {
        SearchSpace space = Fixtures.smallSpace();
        TrainingSimulator sim = Fixtures.h100();
        double optimum = LayoutSearch.builder(space, sim).threads(2).build().exhaustive().best().orElseThrow()
                .tokensPerSecondPerGpu();
        int budget = space.validLayouts().size() / 5;
        for (long seed = 1; seed <= 3; seed++) {
            SearchResult r = LayoutSearch.builder(space, sim).budget(budget).seed(seed).threads(2).build().genetic();
            assertThat(r.best().orElseThrow().tokensPerSecondPerGpu()).as("seed %d", seed).isGreaterThanOrEqualTo(0.98 * optimum);
            assertThat(r.evaluations()).isLessThanOrEqualTo(budget);
        }
    }

    @Test
    void aBudgetLargerThanTheSpaceEvaluatesEveryLayoutOnce() {
        SearchSpace space = Fixtures.tinySpace();
        Fixtures.Counting sim = new Fixtures.Counting(Fixtures.synthetic());
        SearchResult r = LayoutSearch.builder(space, sim).budget(10_000).seed(2).threads(2).build().genetic();
        assertThat(r.evaluations()).isLessThanOrEqualTo(space.validLayouts().size());
        assertThat(sim.repeated.get()).isZero();
        SearchResult all = LayoutSearch.builder(space, Fixtures.synthetic()).threads(2).build().exhaustive();
        if (r.evaluations() == space.validLayouts().size()) {
            assertThat(r.ranked()).containsExactlyElementsOf(all.ranked());
        }
        assertThat(r.best()).isPresent();
    }

    @Test
    void infeasibleLayoutsAreNeverReported() {
        SearchSpace space = Fixtures.smallSpace();
        SearchResult r = LayoutSearch.builder(space, Fixtures.synthetic()).threads(2).build().exhaustive();
        assertThat(r.ranked()).isNotEmpty().allMatch(Evaluation::feasible);
        assertThat(r.ranked()).noneMatch(e -> e.layout().tp() * e.layout().pp() == 1 && e.layout().microBatch() == 2);
        assertThat(r.ranked().size()).isLessThan(r.evaluations());
    }

    @Test
    void exhaustiveParetoFrontIsTheNonDominatedSet() throws Exception {
        SearchSpace space = Fixtures.tinySpace();
        TrainingSimulator sim = Fixtures.h100();
        ParetoResult r = LayoutSearch.builder(space, sim).threads(2).build().paretoExhaustive(ParetoObjectives.THROUGHPUT_MEMORY);
        List<Evaluation> all = new ArrayList<>();
        for (Layout l : space.validLayouts()) {
            Evaluation e = sim.evaluate(l, l.applyTo(space.base()));
            if (e.feasible()) {
                all.add(e);
            }
        }
        List<Evaluation> expected = new ArrayList<>();
        for (Evaluation e : all) {
            if (all.stream().noneMatch(f -> dominates(f, e, ParetoObjectives.THROUGHPUT_MEMORY))) {
                expected.add(e);
            }
        }
        assertThat(r.front()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(r.front().size()).isGreaterThan(1);
        for (int i = 1; i < r.front().size(); i++) {
            // along the front, less throughput buys less memory
            assertThat(r.front().get(i).tokensPerSecondPerGpu()).isLessThanOrEqualTo(r.front().get(i - 1).tokensPerSecondPerGpu());
            assertThat(r.front().get(i).peakMemoryGiB()).isLessThanOrEqualTo(r.front().get(i - 1).peakMemoryGiB());
        }
    }

    @Test
    void nsga2FrontIsNonDominatedAndVariesTheGpuCount() throws Exception {
        SearchSpace space = SearchSpace.builder(Fixtures.olmoe(4)).tp(1, 2).pp(1, 2).vpp(1).ep(4, 8).microBatch(1)
                .varyNodes(true).build();
        ParetoResult r = LayoutSearch.builder(space, Fixtures.h100()).budget(60).seed(3).threads(2).build()
                .pareto(ParetoObjectives.THROUGHPUT_GPUS);
        assertThat(r.evaluations()).isLessThanOrEqualTo(60);
        assertThat(r.front()).isNotEmpty().allMatch(Evaluation::feasible);
        for (Evaluation a : r.front()) {
            for (Evaluation b : r.front()) {
                assertThat(dominates(a, b, ParetoObjectives.THROUGHPUT_GPUS)).isFalse();
            }
        }
        assertThat(r.front().stream().map(Evaluation::gpus).distinct().count()).isGreaterThan(1);
        // the exact front over everything evaluated dominates or equals each point found
        ParetoResult exact = LayoutSearch.builder(space, Fixtures.h100()).threads(2).build()
                .paretoExhaustive(ParetoObjectives.THROUGHPUT_GPUS);
        for (Evaluation e : r.front()) {
            assertThat(exact.front()).anyMatch(f -> f.equals(e) || dominates(f, e, ParetoObjectives.THROUGHPUT_GPUS));
        }
    }

    private static boolean dominates(Evaluation a, Evaluation b, ParetoObjectives o) {
        double amax = o.maximised(a);
        double bmax = o.maximised(b);
        double amin = o.minimised(a);
        double bmin = o.minimised(b);
        return amax >= bmax && amin <= bmin && (amax > bmax || amin < bmin);
    }
}
