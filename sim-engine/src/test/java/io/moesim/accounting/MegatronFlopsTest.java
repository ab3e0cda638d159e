package io.moesim.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.moesim.model.Activation;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import org.junit.jupiter.api.Test;

class MegatronFlopsTest {
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();

    @Test
    void tinyGqaModelByHand() {
        // h=8, heads 2 (dim 4) -> q proj 8 = h, ratio 1; kv heads 1; seq 16; 2 layers: 1 dense (FFN 16), 1 MoE
        ModelSpec m = ParameterAccountingTest.tiny();
        FlopsPerToken f = MegatronFlops.perToken(m, 16);
        // attention linear: 12 * L * h^2 * (1 + 1/2) * 1 = 12*2*64*1.5 = 2304
        assertThat(f.attentionLinearFlops()).isEqualTo(2304.0);
        // attention core: 12 * L * h^2 * (s/h/2) = 12*2*64*1 = 1536
        assertThat(f.attentionCoreFlops()).isEqualTo(1536.0);
        // FFN: 12 * h * 1.5 * (16*1 dense + 6*2 routed + 6 shared)
        assertThat(f.denseFfnFlops()).isEqualTo(12 * 8 * 1.5 * 16);
        assertThat(f.routedExpertFlops()).isEqualTo(12 * 8 * 1.5 * 12);
        assertThat(f.sharedExpertFlops()).isEqualTo(12 * 8 * 1.5 * 6);
        // logits: 6 * h * padded vocab (10 -> 128)
        assertThat(f.paddedVocab()).isEqualTo(128);
        assertThat(f.logitFlops()).isEqualTo(6.0 * 8 * 128);
        assertThat(f.forwardFlops()).isEqualTo(f.trainingFlops() / 3);
    }

    @Test
    void tinyMlaModelWithMtpByHand() {
        // h=16, 1 layer (MoE: 2 experts FFN 4, top-1), MLA: 2 heads, q LoRA 4, kv LoRA 3, nope 2, rope 1, v 2; 1 MTP layer
        ModelSpec m = new ModelSpec("tiny-mla", "Tiny MLA", "test", 1, 16, 8, Activation.SWIGLU,
                new MultiLatentAttention(2, 4, 3, 2, 1, 2), MoeSpec.simple(2, 4, 1), 128, false, 1);
        FlopsPerToken f = MegatronFlops.perToken(m, 8);
        double layers = 2; // 1 + 1 MTP
        double q = 4 * (16 + 2 * 3 + 1);
        double kv = 3 * (16 + 2 * 4 + 1);
        assertThat(f.attentionLinearFlops()).isEqualTo(6 * layers * (q + kv + 16 * 1 + 2 * 2 * 16));
        assertThat(f.attentionCoreFlops()).isEqualTo(6 * layers * (8 * 2 * 3 / 2.0 + 8 * 2 * 2 / 2.0));
        assertThat(f.routedExpertFlops()).isEqualTo(12 * 16 * 1.5 * 4 * 1 * 2); // MTP layer is MoE (last layer is)
        assertThat(f.mtpProjectionFlops()).isEqualTo(6 * (3 * 16 + 2 * 16 * 16));
        assertThat(f.logitFlops()).isEqualTo(6.0 * 16 * 128 * 2);
    }

    @Test
    void qwen3_235bMatchesPublishedRuns() {
        // The published Megatron-Core runs imply 147.3-148.2 GFLOP per token (TFLOPS / tokens per second per GPU).
        FlopsPerToken f = MegatronFlops.perToken(CATALOG.require("qwen3-235b-a22b"), 4096);
        assertThat(f.trainingFlops()).isCloseTo(148.0e9, within(148.0e9 * 0.015));
    }

    @Test
    void publishedRunsPinTheOtherModels() {
        // Hand-evaluated Megatron formula values at seq 4096 (see docs/accounting.md).
        assertThat(MegatronFlops.perToken(CATALOG.require("mixtral-8x7b"), 4096).trainingFlops())
                .isCloseTo(79.706e9, within(0.01e9));
        assertThat(MegatronFlops.perToken(CATALOG.require("mixtral-8x22b"), 4096).trainingFlops())
                .isCloseTo(242.17e9, within(0.01e9));
        assertThat(MegatronFlops.perToken(CATALOG.require("deepseek-v3"), 4096).trainingFlops())
                .isCloseTo(259.99e9, within(0.01e9));
    }

    @Test
    void attentionCoreGrowsLinearlyWithSequenceLength() {
        ModelSpec m = CATALOG.require("llama3-8b");
        FlopsPerToken a = MegatronFlops.perToken(m, 4096);
        FlopsPerToken b = MegatronFlops.perToken(m, 8192);
        assertThat(b.attentionCoreFlops()).isEqualTo(2 * a.attentionCoreFlops());
        assertThat(b.attentionLinearFlops()).isEqualTo(a.attentionLinearFlops());
    }

    @Test
    void gatedFfnCountsThreeHalves() {
        ModelSpec swiglu = ParameterAccountingTest.tiny();
        ModelSpec gelu = new ModelSpec("g", "g", "t", 2, 8, 16, Activation.GELU, swiglu.attention(), swiglu.moe(), 10,
                false, 0);
        assertThat(MegatronFlops.perToken(swiglu, 16).denseFfnFlops())
                .isEqualTo(1.5 * MegatronFlops.perToken(gelu, 16).denseFfnFlops());
    }

    @Test
    void vocabPaddingFollowsMegatron() {
        assertThat(MegatronFlops.paddedVocab(151936, 128, 1)).isEqualTo(151936);
        assertThat(MegatronFlops.paddedVocab(32000, 128, 1)).isEqualTo(32000);
        assertThat(MegatronFlops.paddedVocab(32000, 128, 8)).isEqualTo(32768);
        assertThat(MegatronFlops.paddedVocab(50277, 128, 1)).isEqualTo(50304);
        assertThatThrownBy(() -> MegatronFlops.paddedVocab(0, 128, 1)).hasMessageContaining("vocab");
    }

    @Test
    void rejectsNonPositiveSequenceLength() {
        assertThatThrownBy(() -> MegatronFlops.perToken(CATALOG.require("llama3-8b"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seqLen").hasMessageContaining("0");
    }

    @Test
    void denseModelHasNoExpertFlops() {
        ModelSpec m = new ModelSpec("d", "d", "t", 4, 64, 256, Activation.SWIGLU,
                new GroupedQueryAttention(4, 4, 16, false, false), null, 1000, true, 0);
        FlopsPerToken f = MegatronFlops.perToken(m, 128);
        assertThat(f.routedExpertFlops()).isZero();
        assertThat(f.sharedExpertFlops()).isZero();
        assertThat(f.denseFfnFlops()).isEqualTo(12.0 * 64 * 1.5 * 256 * 4);
    }
}
