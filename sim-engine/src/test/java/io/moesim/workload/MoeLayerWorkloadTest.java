package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.engine.SimulationListener;
import io.moesim.model.Activation;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.MoeLayerSpec;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import org.junit.jupiter.api.Test;

class MoeLayerWorkloadTest {
    private static Scenario layer(String strategy, int tp) {
        return new Scenario("l", Workload.MOE_LAYER, null, ClusterSpec.of("fake", 1, 8),
                new ParallelLayout(tp, 1, 1, 1, 1, 1, false, 1), null, Precision.BF16, Recompute.NONE, MoeConfig.defaults(),
                new StrategySpec(strategy, false), new MoeLayerSpec(8192, 4096, 4096, 32, 4, Activation.GELU), null);
    }

    @Test
    void sequentialLayerIsTheSumOfItsPartsByHand() {
        MoeLayerResult r = MoeLayerWorkload.run(layer("megatron", 8), new FakeCostModel(), SimulationListener.NONE);
        // Fake costs: GEMMs at 500 TFLOPS, memory 2000 B/ns, collectives 10 us + bytes/100.
        // gate: 2·1024·32·4096 FLOP -> 537 ns; topk: 1024·32·8 B -> 131 ns
        // all-gather 8192·4096·2 B: 10 us + 671088.64 ns; fc1 and fc2: 2·32768·512·4096 FLOP -> 274878 ns each
        // activation: 32768·(512+512)·2 B -> 33554 ns; reduce-scatter as the all-gather; combine 1024·4·4096·4 B -> 33554 ns
        double expectedNs = 537 + 131 + (10_000 + 671_088) + 274_878 + 33_554 + 274_878 + (10_000 + 671_088) + 33_554;
        assertThat(r.layerTimeMs() * 1e6).isCloseTo(expectedNs, org.assertj.core.data.Offset.offset(10.0));
        assertThat(r.chunks()).isEqualTo(1);
    }

    @Test
    void tileLevelOverlapHidesCommunicationButNeverBeatsCompute() {
        MoeLayerResult seq = MoeLayerWorkload.run(layer("megatron", 8), new FakeCostModel(), SimulationListener.NONE);
        MoeLayerResult comet = MoeLayerWorkload.run(layer("comet", 8), new FakeCostModel(), SimulationListener.NONE);
        assertThat(comet.layerTimeMs()).isLessThan(seq.layerTimeMs());
        assertThat(comet.layerTimeMs()).isGreaterThanOrEqualTo(comet.computeMs());
        assertThat(comet.exposedCommMs()).isLessThan(seq.exposedCommMs());
        assertThat(comet.commSms()).isIn(8, 16, 24, 32);
        MoeLayerResult single = MoeLayerWorkload.run(layer("megatron", 1), new FakeCostModel(), SimulationListener.NONE);
        assertThat(single.exposedCommMs()).isZero();
    }
}
