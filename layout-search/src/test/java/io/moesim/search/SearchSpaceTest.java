package io.moesim.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.model.ModelCatalog;
import io.moesim.scenario.BatchSpec;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.DispatchSpec;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.ScenarioRules;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    @Test
    void validLayoutsAreExactlyTheCombinationsThatPassTheRules() {
        SearchSpace space = Fixtures.smallSpace();
        int[] sizes = space.sizes();
        List<Layout> passing = new ArrayList<>();
        long combinations = 0;
        int[] idx = new int[sizes.length];
        // an independent odometer over every combination, the last dimension fastest
        while (true) {
            combinations++;
            Layout l = space.layoutAt(idx);
            if (ScenarioRules.check(l.applyTo(space.base())).isEmpty()) {
                passing.add(l);
            }
            int d = sizes.length - 1;
            while (d >= 0 && ++idx[d] == sizes[d]) {
                idx[d--] = 0;
            }
            if (d < 0) {
                break;
            }
        }
        assertThat(combinations).isEqualTo(space.combinations());
        assertThat(space.validLayouts()).containsExactlyElementsOf(passing);
        assertThat(space.validLayouts()).isSortedAccordingTo(Layout.ORDER);
        assertThat(passing.size()).isBetween(100, 2000);
        assertThat(combinations).isGreaterThan(passing.size());
        for (Layout l : space.validLayouts()) {
            assertThat(space.layoutAt(space.indicesOf(l))).isEqualTo(l);
        }
    }

    @Test
    void defaultsFollowTheModelAndTheCluster() {
        Scenario s = Fixtures.olmoe(2);
        SearchSpace space = SearchSpace.of(s, false);
        assertThat(space.values(SearchSpace.Dimension.NODES)).containsExactly("2");
        assertThat(space.values(SearchSpace.Dimension.TP)).containsExactly("1", "2", "4", "8");
        // 16 layers: at least two per pipeline rank
        assertThat(space.values(SearchSpace.Dimension.PP)).containsExactly("1", "2", "4", "8");
        // 2048-token sequences: no context parallelism
        assertThat(space.values(SearchSpace.Dimension.CP)).containsExactly("1");
        // 64 experts, 16 GPUs
        assertThat(space.values(SearchSpace.Dimension.EP)).containsExactly("1", "2", "4", "8", "16");
        // expert FFN 1024: splitting it leaves fewer than 1024 columns
        assertThat(space.values(SearchSpace.Dimension.ETP)).containsExactly("1");
        assertThat(space.values(SearchSpace.Dimension.DISPATCHER)).containsExactly("alltoall", "allgather", "deepep");
        assertThat(space.contains(Layout.of(s))).isTrue();

        Scenario longSeq = new Scenario("long", Workload.TRAINING_STEP, ModelCatalog.builtIn().require("mixtral-8x7b"),
                ClusterSpec.of("h100-sxm", 4, 8), new ParallelLayout(2, 1, 1, 1, 8, 3, false, 1),
                new BatchSpec(32768, 64, 1), Precision.BF16, Recompute.NONE, MoeConfig.defaults(),
                StrategySpec.defaults(), null, null);
        SearchSpace mixtral = SearchSpace.of(longSeq, true);
        assertThat(mixtral.values(SearchSpace.Dimension.CP)).containsExactly("1", "2", "4", "8");
        // 14336 columns: every split keeps at least 1024; the scenario's own etp 3 is added
        assertThat(mixtral.values(SearchSpace.Dimension.ETP)).containsExactly("1", "2", "3", "4", "8");
        assertThat(mixtral.values(SearchSpace.Dimension.NODES)).containsExactly("1", "2", "3", "4");
        assertThat(mixtral.values(SearchSpace.Dimension.PP)).contains("3", "12");
    }

    @Test
    void rejectsWhatItCannotSearch() {
        Scenario dispatch = new Scenario("d", Workload.DISPATCH, null, ClusterSpec.of("h800-sxm", 1, 8),
                new ParallelLayout(1, 1, 1, 1, 8, 1, false, 1), null, Precision.BF16, Recompute.NONE,
                MoeConfig.defaults(), StrategySpec.defaults(), null, new DispatchSpec(4096, 7168, 8, 256, io.moesim.scenario.DataType.FP8, io.moesim.scenario.DataType.BF16, 4, 24));
        assertThatThrownBy(() -> SearchSpace.of(dispatch, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workload");
        assertThatThrownBy(() -> SearchSpace.builder(Fixtures.olmoe(2)).tp().build())
                .hasMessageContaining("tp needs at least one value");
        assertThatThrownBy(() -> SearchSpace.builder(Fixtures.olmoe(2)).pp(0).build()).hasMessageContaining("pp");
    }
}
