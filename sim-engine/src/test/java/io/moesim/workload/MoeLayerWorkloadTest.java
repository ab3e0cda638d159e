package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.moesim.engine.SimulationListener;
import io.moesim.engine.SimulationResult;
import io.moesim.engine.TaskGraph;
import io.moesim.model.Activation;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.MoeLayerSpec;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategyKnobs;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import org.junit.jupiter.api.Test;

/**
 * The moe-layer workload against {@link FakeCostModel} (100 SMs; GEMMs at 500 TFLOPS scaled by 100/SMs;
 * memory 2000 B/ns; collectives 10 µs + bytes/100 ns; barrier 5 µs; launch 3 µs), every expectation worked
 * out by hand below.
 */
class MoeLayerWorkloadTest {
    private static Scenario layer(String strategy, int tp, int ep, int ffn, StrategyKnobs knobs) {
        return new Scenario("l", Workload.MOE_LAYER, null, ClusterSpec.of("fake", 1, 8),
                new ParallelLayout(tp, 1, 1, 1, ep, 1, false, 1), null, Precision.BF16, Recompute.NONE,
                MoeConfig.defaults(), new StrategySpec(strategy, false, knobs),
                new MoeLayerSpec(8192, 4096, ffn, 32, 4, Activation.GELU), null);
    }

    private static Scenario layer(String strategy, int tp) {
        return layer(strategy, tp, 1, 4096, null);
    }

    private static MoeLayerResult run(Scenario s) {
        return MoeLayerWorkload.run(s, new FakeCostModel(), SimulationListener.NONE);
    }

    private static int task(SimulationResult sim, String name) {
        TaskGraph g = sim.graph();
        for (int t = 0; t < g.size(); t++) {
            if (g.name(t).equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no task '" + name + "'");
    }

    // Shared by hand: 8192 tokens, hidden 4096, 32 experts, top-4, TP8 -> 1024 local tokens, 1024 rows per
    // expert (32768 on the GPU), expert width 512.
    private static final long ROUTER = 537 + 131; // 2·1024·32·4096 FLOP -> 537 ns; top-k 1024·32·8 B -> 131 ns

    @Test
    void sequentialLayerIsTheSumOfItsPartsByHand() {
        MoeLayerResult r = run(layer("megatron", 8));
        long allGather = 10_000 + 8192L * 4096 * 2 / 100;            // 681 088
        long permute = 2L * 32768 * 4096 * 2 / 2000;                   // 268 435
        long fc = 274_878;                                             // 2·32768·512·4096 FLOP
        long activation = 32768L * (512 + 512) * 2 / 2000;             // 33 554
        long topkReduce = (32768L + 8192) * 4096 * 2 / 2000;           // 167 772: read every row, write one per token
        long reduceScatter = allGather;
        long expected = ROUTER + allGather + permute + fc + activation + fc + topkReduce + reduceScatter;
        assertThat(r.layerTimeMs() * 1e6).isCloseTo(expected, offset(10.0));
        assertThat(r.layer0Ms() * 1e6).isCloseTo(allGather + permute + fc, offset(10.0));
        assertThat(r.layer1Ms() * 1e6).isCloseTo(fc + topkReduce + reduceScatter, offset(10.0));
        assertThat(r.routerMs() + r.layer0Ms() + r.activationMs() + r.layer1Ms()).isCloseTo(r.layerTimeMs(), offset(1e-9));
        assertThat(r.chunks()).isEqualTo(1);
        assertThat(r.commSms()).isZero();
    }

    @Test
    void layer0ProblemsWaitForEverySourceShardTheirRowsComeFrom() {
        // 128 rows per expert and source rank, problems of 4·128 rows: each spans 4 shards.
        assertThat(MoeLayerWorkload.layer0ReadyFractions(128, 8, 512)).containsExactly(0, 0, 0, 0.5, 0, 0, 0, 0.5);
        // 256 rows per shard: 2 shards per problem.
        assertThat(MoeLayerWorkload.layer0ReadyFractions(256, 8, 512)).containsExactly(0, 0.25, 0, 0.25, 0, 0.25, 0, 0.25);
        // 1024 rows per shard: two problems inside each shard, each needs only that shard.
        assertThat(MoeLayerWorkload.layer0ReadyFractions(1024, 8, 512))
                .containsExactly(0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125);
        // An expert smaller than one problem needs every shard.
        assertThat(MoeLayerWorkload.layer0ReadyFractions(32, 8, 512)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
    }

    @Test
    void cometLayer0RunsHalfTheGemmAfterTheThirdPeerShardAndHalfAfterTheWholeAllGather() {
        MoeLayerResult r = run(layer("comet", 8));
        SimulationResult sim = r.simulation();
        long copy = 2L * 1024 * 4096 * 2 / 2000;                      // 8 388: local shard into the symmetric buffer
        long t0 = ROUTER + copy + 5_000;                               // + barrier
        long pull = (10_000 + 8192L * 4096 * 2 / 100) / 7;             // 97 298: 1/7 of the all-gather each
        long half = 137_439;                                           // half of the 274 878 ns GEMM
        assertThat(sim.endNs(task(sim, "layer0 pull peer 7"))).isEqualTo(t0 + 7 * pull);
        int first = task(sim, "expert-fc1 (needs peer 3)");
        int second = task(sim, "expert-fc1 (needs peer 7)");
        assertThat(sim.startNs(first)).isEqualTo(t0 + 3 * pull);
        assertThat(sim.endNs(first) - sim.startNs(first)).isEqualTo(half);
        // The second half cannot start before the last shard has arrived, although the SMs are idle.
        assertThat(sim.startNs(second)).isEqualTo(t0 + 7 * pull);
        assertThat(r.layer0Ms() * 1e6).isCloseTo(copy + 5_000 + 7 * pull + half + 5_000, offset(1.0));
    }

    @Test
    void cometLayer1ReduceScattersColumnSplitsAsSoonAsEachIsComplete() {
        MoeLayerResult r = run(layer("comet", 8));
        SimulationResult sim = r.simulation();
        assertThat(r.chunks()).isEqualTo(8);
        assertThat(r.commSms()).isEqualTo(28);
        // The GEMM runs on the 72 SMs the 28 communication blocks leave: 274 878·100/72 = 381 775 ns, 47 721 a split.
        long split = 381_775 / 8;
        int gemm0 = task(sim, "expert-fc2 split 0");
        assertThat(sim.endNs(gemm0) - sim.startNs(gemm0)).isEqualTo(split);
        // Decomposed along N, the first split's rows are final for every token after 1/8 of the GEMM: its
        // reduce-scatter starts then (along M it would wait for nearly all of it, a token needing all 4 experts).
        int rs0 = task(sim, "layer1 top-k reduce-scatter split 0");
        assertThat(sim.startNs(rs0) - sim.startNs(gemm0)).isEqualTo(split);
        // Here the reduce-scatter is the slower side: 1/8 of (10 µs + 67 108 864 B / 100) = 85 136 ns a split, chained.
        long rs = (10_000 + 8192L * 4096 * 2 / 100) / 8;
        long sum = (8192L * 4096 * 2 + 1024L * 4096 * 2) / 2000;       // 37 748: the 8 partial buffers summed
        assertThat(r.layer1Ms() * 1e6).isCloseTo(split + 8 * rs + 5_000 + sum, offset(1.0));
    }

    @Test
    void theCommunicationBlocksTakeTheirSmsFromTheGemm() {
        // Expert FFN 8192 (width 1024) keeps the GEMM compute-bound: 2·32768·4096·1024 FLOP = 549 756 ns on 100 SMs.
        StrategyKnobs twenty = new StrategyKnobs(20, null, false, 0, false, 8, 0);
        MoeLayerResult flux = run(layer("comet", 8, 1, 8192, null));
        MoeLayerResult r = run(layer("comet", 8, 1, 8192, twenty));
        int fluxSplit = task(flux.simulation(), "expert-fc2 split 0");
        int split = task(r.simulation(), "expert-fc2 split 0");
        assertThat(flux.commSms()).isEqualTo(28);
        assertThat(flux.simulation().endNs(fluxSplit) - flux.simulation().startNs(fluxSplit)).isEqualTo(763_550 / 8);
        assertThat(r.commSms()).isEqualTo(20);
        assertThat(r.simulation().endNs(split) - r.simulation().startNs(split)).isEqualTo(687_195 / 8);
        assertThatThrownBy(() -> run(layer("comet", 8, 1, 4096, new StrategyKnobs(100, null, false, 0, false, 8, 0))))
                .hasMessageContaining("below the GPU's 100 SMs");
    }

    @Test
    void aSplitTakesNoLessThanTheHbmTrafficOfTheGemmAndTheConcurrentReduceScatter() {
        // Expert FFN 1024 -> width 128: the GEMM per split needs 190 887/8 = 23 860 ns of compute on 72 SMs, but
        // HBM carries its input rows, the weight slice and the output slice ((32768·128 + 32·4096·128)·2 +
        // 32768·4096·2)/8 = 38 797 312 B, plus the top-k reads 33 554 432 B and the peers' stores 7 340 032 B.
        MoeLayerResult r = run(layer("comet", 8, 1, 1024, null));
        SimulationResult sim = r.simulation();
        int gemm0 = task(sim, "expert-fc2 split 0");
        assertThat(sim.endNs(gemm0) - sim.startNs(gemm0)).isEqualTo((38_797_312L + 33_554_432 + 7_340_032) / 2000);
    }

    @Test
    void expertParallelRanksReduceOnlyTokensThatHaveALocalExpert() {
        assertThat(MoeLayerWorkload.withLocalExpert(32, 32, 4)).isEqualTo(1.0);
        // 1 − C(16,4)/C(32,4) = 1 − 1820/35960
        assertThat(MoeLayerWorkload.withLocalExpert(32, 16, 4)).isCloseTo(1 - 1820.0 / 35960, offset(1e-12));
        // 1 − C(4,2)/C(8,2) = 1 − 6/28
        assertThat(MoeLayerWorkload.withLocalExpert(8, 4, 2)).isCloseTo(1 - 6.0 / 28, offset(1e-12));
        MoeLayerResult tp8 = run(layer("comet", 8));
        MoeLayerResult tp4ep2 = run(layer("comet", 4, 2, 4096, null));
        // Same FLOPs per GPU (half the experts, twice the width); the all-gather is over all 8 GPUs either way.
        assertThat(tp4ep2.layer0Ms()).isCloseTo(tp8.layer0Ms(), offset(1e-3));
    }

    @Test
    void splitsFollowFlux() {
        assertThat(MoeLayerWorkload.splits(8192)).isEqualTo(8);
        assertThat(MoeLayerWorkload.splits(7168)).isEqualTo(7);
        assertThat(MoeLayerWorkload.splits(1152)).isEqualTo(9);
        assertThat(MoeLayerWorkload.splits(1000)).isEqualTo(8);
        assertThat(MoeLayerWorkload.splits(1001)).isEqualTo(1);
    }

    @Test
    void tileLevelOverlapHidesCommunicationButNeverBeatsCompute() {
        MoeLayerResult seq = run(layer("megatron", 8));
        MoeLayerResult comet = run(layer("comet", 8));
        assertThat(comet.layerTimeMs()).isLessThan(seq.layerTimeMs());
        assertThat(comet.layerTimeMs()).isGreaterThanOrEqualTo(comet.computeMs());
        assertThat(comet.exposedCommMs()).isLessThan(seq.exposedCommMs());
        assertThat(comet.routerMs() + comet.layer0Ms() + comet.activationMs() + comet.layer1Ms())
                .isCloseTo(comet.layerTimeMs(), offset(1e-9));
        MoeLayerResult single = run(layer("comet", 1));
        assertThat(single.exposedCommMs()).isZero();
        assertThat(single.chunks()).isEqualTo(1);
    }
}
