package io.moesim.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Recompute;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryDominanceTest {

    /**
     * The inference rests on the memory model: with the sizes fixed, a larger micro-batch, less recomputation,
     * or DeepEP / all-gather instead of the all-to-all never needs less memory. Checked on every pair of a
     * space of OLMoE layouts with the real memory model (the engine is not run for this).
     */
    @Test
    void theMemoryModelIsMonotoneWhereTheInferenceAssumesIt() throws Exception {
        SearchSpace space = SearchSpace.builder(Fixtures.olmoe(2)).tp(1, 2, 4).pp(1, 2, 4).vpp(1, 2).ep(2, 8, 16)
                .microBatch(1, 2, 4).build();
        TrainingSimulator memoryOnly = TrainingSimulator.of(
                io.moesim.profiles.cost.ProfileCostModel.of(io.moesim.profiles.Profiles.bundled("h100-sxm")), 989, 1);
        // with 1 byte of HBM nothing fits, so every layout takes the memory model's path only
        Map<Layout, Double> memory = new HashMap<>();
        for (Layout l : space.validLayouts()) {
            Evaluation e = memoryOnly.evaluate(l, l.applyTo(space.base()));
            assertThat(e.simulated()).isFalse();
            memory.put(l, e.peakMemoryGiB());
        }
        int pairs = 0;
        for (Layout a : space.validLayouts()) {
            for (Layout b : space.validLayouts()) {
                if (a != b && MemoryDominance.needsAtLeast(a, b)) {
                    pairs++;
                    assertThat(memory.get(a)).as("%s needs at least the memory of %s", a, b)
                            .isGreaterThanOrEqualTo(memory.get(b) - 1e-9);
                }
            }
        }
        assertThat(pairs).isGreaterThan(1000);
    }

    @Test
    void infersOnlyFromLayoutsThatDoNotFit() {
        Layout small = new Layout(2, 2, 2, 1, 1, 8, 1, 1, Recompute.FULL, Dispatcher.ALLTOALL, false);
        Layout bigger = new Layout(2, 2, 2, 1, 1, 8, 1, 2, Recompute.SELECTIVE, Dispatcher.DEEPEP, true);
        Layout otherSizes = new Layout(2, 2, 4, 1, 1, 8, 1, 2, Recompute.NONE, Dispatcher.DEEPEP, false);
        Layout lighter = new Layout(2, 2, 2, 1, 1, 8, 1, 1, Recompute.FULL, Dispatcher.ALLTOALL, true);
        assertThat(MemoryDominance.needsAtLeast(bigger, small)).isTrue();
        assertThat(MemoryDominance.needsAtLeast(small, bigger)).isFalse();
        assertThat(MemoryDominance.needsAtLeast(otherSizes, small)).isFalse();

        MemoryDominance d = new MemoryDominance();
        d.record(List.of(new Evaluation(small, 16, true, true, 1, 1000, 100, 0.3, 40, 80)));
        assertThat(d.dominatingMisfit(bigger)).as("a layout that fits proves nothing").isNull();
        Evaluation misfit = Evaluation.doesNotFit(small, 16, 90, 80);
        d.record(List.of(misfit));
        assertThat(d.dominatingMisfit(bigger)).isEqualTo(misfit);
        assertThat(d.dominatingMisfit(lighter)).as("a2aOverlap does not change memory").isEqualTo(misfit);
        assertThat(d.dominatingMisfit(otherSizes)).isNull();
    }
}
