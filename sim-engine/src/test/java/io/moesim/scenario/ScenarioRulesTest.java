package io.moesim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioRulesTest {
    private static final ModelSpec QWEN = ModelCatalog.builtIn().require("qwen3-235b-a22b");
    private static final ModelSpec LLAMA = ModelCatalog.builtIn().require("llama3-70b");
    private static final ClusterSpec H100X256 = ClusterSpec.of("h100-sxm", 32, 8);
    private static final BatchSpec BATCH = new BatchSpec(4096, 2048, 1);

    private static ParallelLayout layout(int tp, int pp, int vpp, int cp, int ep, int etp) {
        return new ParallelLayout(tp, pp, vpp, cp, ep, etp, false, 1);
    }

    private static List<Violation> training(ModelSpec m, ClusterSpec c, ParallelLayout p, BatchSpec b) {
        List<Violation> out = new ArrayList<>();
        ScenarioRules.checkTraining(m, c, p, b, out);
        return out;
    }

    @Test
    void publishedLayoutsAreValid() {
        assertThat(training(QWEN, H100X256, layout(2, 8, 4, 1, 32, 1), BATCH)).isEmpty();
        assertThat(training(QWEN, H100X256, layout(4, 8, 4, 1, 8, 1), BATCH)).isEmpty();
        // 94 layers over 32x3 = 96 virtual stages, embedding and loss counted as layers
        assertThat(training(QWEN, H100X256, layout(2, 32, 3, 1, 8, 1), BATCH)).isEmpty();
        assertThat(training(QWEN, H100X256, new ParallelLayout(2, 1, 1, 1, 8, 1, true, 3), new BatchSpec(4096, 2048, 4)))
                .isEmpty();
    }

    @Test
    void modelParallelMustDivideGpuCount() {
        List<Violation> v = training(QWEN, ClusterSpec.of("h100-sxm", 3, 8), layout(2, 8, 1, 1, 1, 1), BATCH);
        assertThat(v).anySatisfy(x -> {
            assertThat(x.field()).isEqualTo("parallel");
            assertThat(x.message()).contains("tp*pp*cp = 2*8*1 = 16 must divide the cluster's 24 GPUs");
        });
    }

    @Test
    void expertRanksMustDivideAttentionRanks() {
        // 256 GPUs, tp2 pp8 -> dp 16, tp*cp*dp = 32; ep 64 does not divide it
        List<Violation> v = training(QWEN, H100X256, layout(2, 8, 4, 1, 64, 1), BATCH);
        assertThat(v).anySatisfy(x -> {
            assertThat(x.field()).isEqualTo("parallel.ep");
            assertThat(x.message()).contains("ep*etp = 64*1 = 64 must divide tp*cp*dp = 2*1*16 = 32");
        });
    }

    @Test
    void expertsMustDivideByEp() {
        List<Violation> v = training(ModelCatalog.builtIn().require("mixtral-8x7b"), ClusterSpec.of("h100-sxm", 2, 8),
                layout(1, 1, 1, 1, 16, 1), new BatchSpec(4096, 16, 1));
        assertThat(v).extracting(Violation::message).anyMatch(m -> m.contains("experts 8, not divisible by ep = 16"));
    }

    @Test
    void kvHeadsMustDivideByTp() {
        List<Violation> v = training(QWEN, H100X256, layout(8, 4, 1, 1, 8, 1), BATCH);
        assertThat(v).extracting(Violation::message).anyMatch(m -> m.contains("key/value heads 4, not divisible by tp = 8"));
    }

    @Test
    void layersMustSplitOverVirtualStages() {
        // 94 layers over 8*5 = 40 stages is uneven but possible (ceil(94/40) = 3 per stage, the shortfall
        // taken from both ends); over 32*4 = 128 stages it is not.
        assertThat(training(QWEN, H100X256, layout(2, 8, 5, 1, 8, 1), BATCH)).extracting(Violation::field)
                .doesNotContain("parallel.pp");
        List<Violation> v = training(QWEN, H100X256, layout(2, 32, 4, 1, 8, 1), BATCH);
        assertThat(v).anySatisfy(x -> {
            assertThat(x.field()).isEqualTo("parallel.pp");
            assertThat(x.message()).contains("94 layers cannot fill pp*vpp = 32*4 = 128 virtual stages");
        });
        assertThat(training(QWEN, H100X256, layout(1, 1, 2, 1, 8, 1), BATCH))
                .extracting(Violation::field).contains("parallel.vpp");
    }

    @Test
    void globalBatchMustBeMultipleOfMicroBatchTimesDp() {
        List<Violation> v = training(QWEN, H100X256, layout(2, 8, 4, 1, 32, 1), new BatchSpec(4096, 100, 1));
        assertThat(v).anySatisfy(x -> {
            assertThat(x.field()).isEqualTo("batch.globalBatch");
            assertThat(x.message()).contains("microBatch*dp = 1*16 = 16");
        });
    }

    @Test
    void sequenceMustSplitOverTpAndCp() {
        List<Violation> v = training(QWEN, H100X256, layout(2, 8, 4, 2, 16, 1), new BatchSpec(4098, 2048, 1));
        assertThat(v).extracting(Violation::message)
                .anyMatch(m -> m.contains("divisible by 2*cp = 4"));
    }

    @Test
    void denseModelNeedsNoExpertParallelism() {
        List<Violation> v = training(LLAMA, H100X256, layout(8, 4, 1, 1, 2, 1), BATCH);
        assertThat(v).extracting(Violation::message).anyMatch(m -> m.contains("has no experts"));
        assertThat(training(LLAMA, H100X256, layout(8, 4, 1, 1, 1, 1), BATCH)).isEmpty();
    }

    @Test
    void workloadPartsMustMatch() {
        Scenario s = new Scenario("x", Workload.TRAINING_STEP, null, H100X256, ParallelLayout.none(), null,
                Precision.BF16, Recompute.NONE, MoeConfig.defaults(), StrategySpec.defaults(),
                new MoeLayerSpec(8192, 8192, 8192, 32, 4, io.moesim.model.Activation.GELU), null);
        assertThat(ScenarioRules.check(s)).extracting(Violation::toString).containsExactly(
                "model: is required for workload 'training-step'",
                "batch: is required for workload 'training-step'",
                "layer: does not apply to workload 'training-step'");
    }

    @Test
    void moeLayerAndDispatchRules() {
        Scenario layer = new Scenario("x", Workload.MOE_LAYER, null, ClusterSpec.of("h800-sxm", 1, 8),
                new ParallelLayout(8, 1, 1, 1, 1, 8, false, 1), null, Precision.BF16, Recompute.NONE,
                MoeConfig.defaults(), StrategySpec.defaults(),
                new MoeLayerSpec(8191, 8192, 8192, 32, 4, io.moesim.model.Activation.GELU), null);
        assertThat(ScenarioRules.check(layer)).extracting(Violation::field).containsExactly("layer.tokens");

        Scenario dispatch = new Scenario("x", Workload.DISPATCH, null, ClusterSpec.of("h800-sxm", 2, 8),
                new ParallelLayout(1, 1, 1, 1, 12, 1, false, 1), null, Precision.BF16, Recompute.NONE,
                MoeConfig.defaults(), StrategySpec.defaults(), null,
                new DispatchSpec(4096, 7168, 8, 256, DataType.FP8, DataType.BF16));
        assertThat(ScenarioRules.check(dispatch)).extracting(Violation::field)
                .containsExactly("parallel.ep", "dispatch.experts");
    }

    @Test
    void derivedSizesFollowParallelFolding() {
        ParallelLayout p = new ParallelLayout(2, 1, 1, 1, 8, 1, true, 3);
        assertThat(p.dp(256)).isEqualTo(128);
        assertThat(p.expertDp(256)).isEqualTo(32);
    }

    @Test
    void interleavingNeedsMicroBatchesInMultiplesOfPp() {
        // 256 GPUs, tp 2, pp 8: dp 16; globalBatch 48 -> 3 micro-batches, not a multiple of pp 8.
        List<Violation> v = training(QWEN, H100X256, layout(2, 8, 4, 1, 8, 1), new BatchSpec(4096, 48, 1));
        assertThat(v).anySatisfy(x -> {
            assertThat(x.field()).isEqualTo("batch.globalBatch");
            assertThat(x.message()).contains("needs the micro-batches per step").contains("= 3");
        });
        assertThat(training(QWEN, H100X256, layout(2, 8, 1, 1, 8, 1), new BatchSpec(4096, 48, 1)))
                .extracting(Violation::field).doesNotContain("batch.globalBatch");
    }

    private static Scenario withStrategy(ParallelLayout p, BatchSpec b, Recompute rc, Dispatcher d, StrategySpec st) {
        return new Scenario("s", Workload.TRAINING_STEP, QWEN, H100X256, p, b, Precision.BF16, rc,
                new MoeConfig(d, RoutingSpec.balanced(), null), st, null, null);
    }

    @Test
    void dualPipeNeedsAnEvenPipelineWithoutVirtualStagesAndEnoughMicroBatches() {
        StrategySpec dual = new StrategySpec("dualpipe", false);
        assertThat(ScenarioRules.check(withStrategy(layout(2, 8, 1, 1, 32, 1), BATCH, Recompute.SELECTIVE,
                Dispatcher.DEEPEP, dual))).isEmpty();
        assertThat(ScenarioRules.check(withStrategy(layout(2, 8, 4, 1, 32, 1), BATCH, Recompute.SELECTIVE,
                Dispatcher.DEEPEP, dual))).extracting(Violation::field).containsExactly("parallel.vpp");
        // 16 micro-batches per step with dp 16 and pp 16? tp2 pp16: dp 8, 2048/8 = 256 micro-batches: fine;
        // a global batch of 16 gives 2 micro-batches, fewer than 2*pp.
        assertThat(ScenarioRules.check(withStrategy(layout(2, 8, 1, 1, 32, 1), new BatchSpec(4096, 32, 1),
                Recompute.SELECTIVE, Dispatcher.DEEPEP, dual))).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("at least 2*pp = 16; globalBatch/(microBatch*dp) = 2"));
    }

    @Test
    void allToAllOverlapFollowsMegatronsRequirements() {
        StrategySpec overlap = new StrategySpec("megatron", true);
        assertThat(ScenarioRules.check(withStrategy(layout(2, 8, 4, 1, 32, 1), BATCH, Recompute.SELECTIVE,
                Dispatcher.DEEPEP, overlap))).isEmpty();
        assertThat(ScenarioRules.check(withStrategy(layout(2, 8, 1, 1, 32, 1), BATCH, Recompute.FULL,
                Dispatcher.ALLGATHER, overlap))).extracting(Violation::message)
                .anyMatch(m -> m.contains("needs the interleaved schedule (vpp > 1) when pp > 1"))
                .anyMatch(m -> m.contains("not allgather"))
                .anyMatch(m -> m.contains("full recompute"));
    }
}
