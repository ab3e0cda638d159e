package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.accounting.ParameterAccounting;
import io.moesim.model.Activation;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.scenario.BatchSpec;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.CrossEntropyFusion;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.RoutingSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategyKnobs;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemoryModelTest {
    /** 2 layers, hidden 64, SwiGLU FFN 128, 4 heads of 16 (MHA), vocab 1000 (padded to 1024), untied. */
    private static final ModelSpec TINY = new ModelSpec("tiny", "tiny", "test", 2, 64, 128, Activation.SWIGLU,
            new GroupedQueryAttention(4, 4, 16, false, false), null, 1000, false, 0);

    @Test
    void weightsGradientsAndOptimizerOfATinyModelByHand() {
        // Parameters: embedding 64000 + head 64000 + 2 x (attention 4 x 64 x 64 = 16384, SwiGLU 3 x 64 x 128 =
        // 24576, two norms 128) + final norm 64 = 210240.
        assertThat(ParameterAccounting.of(TINY).totalParams()).isEqualTo(210_240);
        Scenario s = new Scenario("m", Workload.TRAINING_STEP, TINY, ClusterSpec.of("fake", 1, 2),
                new ParallelLayout(1, 1, 1, 1, 1, 1, false, 1), new BatchSpec(256, 2, 1), Precision.BF16, Recompute.NONE,
                new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), null), StrategySpec.defaults(), null, null);
        MemoryEstimate m = MemoryModel.estimate(s, 80e9, 1);
        assertThat(m.weights()).isEqualTo(2.0 * 210_240);
        assertThat(m.gradients()).isEqualTo(4.0 * 210_240);
        assertThat(m.optimizer()).isEqualTo(12.0 * 210_240 / 2);   // ZeRO-1 over dp = 2
        // Activations per token and layer: attention 2h + 2h + 2(4+8)16 + 2·4·16 + 2h + h = 960,
        // MLP 2h + 2h + 2·2·128 + 2·128 + h = 1088; 2048 B x 2 layers x 256 tokens, one micro-batch in flight.
        assertThat(m.activations()).isEqualTo(2048.0 * 2 * 256);
        // FP32 logits of one micro-batch: 256 tokens x 1024 x 4 B.
        assertThat(m.logits()).isEqualTo(256.0 * 1024 * 4);
        assertThat(m.commBuffers()).isZero();
        double subtotal = m.weights() + m.gradients() + m.optimizer() + m.activations() + m.logits();
        assertThat(m.allowance()).isEqualTo(MemoryModel.CONTEXT_BYTES + MemoryModel.FRAGMENTATION * subtotal);
        assertThat(m.fits()).isTrue();
        // Transformer Engine's cross entropy keeps the BF16 gradient it wrote in place instead of the FP32 softmax.
        Scenario te = s.withStrategy(new StrategySpec("megatron", false, knobs(CrossEntropyFusion.TE)));
        assertThat(MemoryModel.estimate(te, 80e9, 1).logits()).isEqualTo(256.0 * 1024 * 2);
        Scenario nativeFused = s.withStrategy(new StrategySpec("megatron", false, knobs(CrossEntropyFusion.NATIVE)));
        assertThat(MemoryModel.estimate(nativeFused, 80e9, 1).logits()).isEqualTo(256.0 * 1024 * 4);
    }

    static StrategyKnobs knobs(CrossEntropyFusion f) {
        StrategyKnobs d = StrategyKnobs.NONE;
        return new StrategyKnobs(d.commSms(), d.a2aAlgorithm(), d.sharedExpertOverlap(), d.tokenRounding(),
                d.padToCapacity(), d.pipelineDegree(), d.replicateHotExperts(), d.fullyShardedExperts(),
                d.rematerializeSlots(), d.localTrafficFraction(), d.hostLaunchUs(), f);
    }

    @Test
    void recomputeModulesDropExactlyTheirActivations() {
        // The tiny model above, h = 64, per token and layer without recompute: attention 960 B, MLP 1088 B.
        // layernorm drops both norm inputs (2h each), core_attn the attention output (2·4·16), mlp everything of
        // the MLP but its input (2·2·128 + 2·128); moe_act does not apply to a dense MLP.
        assertThat(tinyActivationsPerTokenLayer(Set.of(RecomputeModule.LAYERNORM, RecomputeModule.MOE_ACT)))
                .isEqualTo(832 + 960);
        assertThat(tinyActivationsPerTokenLayer(Set.of(RecomputeModule.LAYERNORM, RecomputeModule.MLP)))
                .isEqualTo(832 + 192);
        assertThat(tinyActivationsPerTokenLayer(Set.of(RecomputeModule.CORE_ATTN))).isEqualTo(832 + 1088);
    }

    private static double tinyActivationsPerTokenLayer(Set<RecomputeModule> modules) {
        Scenario s = new Scenario("m", Workload.TRAINING_STEP, TINY, ClusterSpec.of("fake", 1, 2),
                new ParallelLayout(1, 1, 1, 1, 1, 1, false, 1), new BatchSpec(256, 2, 1), Precision.BF16,
                Recompute.SELECTIVE, new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), null),
                StrategySpec.defaults(), null, null, modules);
        return MemoryModel.estimate(s, 80e9, 1).activations() / (2.0 * 256);
    }

    @Test
    void recomputeAndShardingShrinkMemory() {
        ModelSpec llama = ModelCatalog.builtIn().require("llama3-8b");
        ParallelLayout zero1 = new ParallelLayout(2, 2, 1, 1, 1, 1, false, 1);
        ParallelLayout fsdp = new ParallelLayout(2, 2, 1, 1, 1, 1, true, 3);
        double none = estimate(llama, zero1, Recompute.NONE).activations();
        double selective = estimate(llama, zero1, Recompute.SELECTIVE).activations();
        double full = estimate(llama, zero1, Recompute.FULL).activations();
        assertThat(selective).isLessThan(none);
        assertThat(full).isLessThan(selective);
        assertThat(estimate(llama, fsdp, Recompute.NONE).weights()).isLessThan(estimate(llama, zero1, Recompute.NONE).weights());
        assertThat(estimate(llama, fsdp, Recompute.NONE).gradients()).isLessThan(estimate(llama, zero1, Recompute.NONE).gradients());
    }

    @Test
    void deepSeekV3OnEightGpusDoesNotFit() {
        ModelSpec ds = ModelCatalog.builtIn().require("deepseek-v3");
        Scenario s = new Scenario("ds8", Workload.TRAINING_STEP, ds, ClusterSpec.of("fake", 1, 8),
                new ParallelLayout(1, 1, 1, 1, 8, 1, false, 1), new BatchSpec(4096, 8, 1), Precision.FP8, Recompute.FULL,
                new MoeConfig(Dispatcher.DEEPEP, RoutingSpec.balanced(), null), StrategySpec.defaults(), null, null);
        MemoryEstimate m = MemoryModel.estimate(s, 80.0 * (1L << 30), 1);
        assertThat(m.fits()).isFalse();
        assertThat(m.weights()).isGreaterThan(100e9);   // 671B x 2 B over 8 GPUs (experts) and no TP
    }

    private static MemoryEstimate estimate(ModelSpec model, ParallelLayout p, Recompute rc) {
        Scenario s = new Scenario("m", Workload.TRAINING_STEP, model, ClusterSpec.of("fake", 2, 8), p,
                new BatchSpec(4096, 64, 1), Precision.BF16, rc,
                new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), null), StrategySpec.defaults(), null, null);
        return MemoryModel.estimate(s, 80e9, 1);
    }
}
