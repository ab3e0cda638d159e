package io.moesim.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moesim.model.Activation;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParameterAccountingTest {

    /**
     * Two layers, h=8, 2 heads / 1 KV head of dim 4, layer 0 dense (FFN 16), layer 1 MoE with 4 experts
     * of FFN 6, top-2, one shared expert of FFN 6; vocab 10, untied. Counted by hand:
     * attention per layer: q 8*8=64, k 8*4=32, v 32, o 8*8=64 -> 192
     * norms per layer: 2*8 = 16; final norm 8
     * dense FFN (swiglu): 3*8*16 = 384
     * expert: 3*8*6 = 144; routed 4*144 = 576; shared 144; router 8*4 = 32
     * embedding 80, head 80
     */
    static ModelSpec tiny() {
        return new ModelSpec("tiny", "Tiny", "test", 2, 8, 16, Activation.SWIGLU,
                new GroupedQueryAttention(2, 1, 4, false, false),
                new MoeSpec(4, 6, 2, 1, 6, 1, 1, 1, 1), 10, false, 0);
    }

    @Test
    void tinyModelByHand() {
        ParameterCounts p = ParameterAccounting.of(tiny());
        assertThat(p.attentionParams()).isEqualTo(2 * 192);
        assertThat(p.normParams()).isEqualTo(2 * 16 + 8);
        assertThat(p.denseFfnParams()).isEqualTo(384);
        assertThat(p.routedExpertParams()).isEqualTo(576);
        assertThat(p.sharedExpertParams()).isEqualTo(144);
        assertThat(p.routerParams()).isEqualTo(32);
        assertThat(p.embeddingParams()).isEqualTo(80);
        assertThat(p.outputHeadParams()).isEqualTo(80);
        assertThat(p.totalParams()).isEqualTo(384 + 40 + 384 + 576 + 144 + 32 + 160);
        // active: attention+norms both layers, dense FFN, 2 of 4 experts, shared, router, embeddings, final norm
        assertThat(p.activeParams()).isEqualTo(2 * (192 + 16) + 384 + 2 * 144 + 144 + 32 + 160 + 8);
        assertThat(p.mtpParams()).isZero();
    }

    @Test
    void tiedEmbeddingsAreCountedOnce() {
        ModelSpec m = tiny();
        ModelSpec tied = new ModelSpec(m.id(), m.displayName(), m.source(), m.layers(), m.hidden(), m.ffn(),
                m.activation(), m.attention(), m.moe(), m.vocab(), true, 0);
        assertThat(ParameterAccounting.of(m).totalParams() - ParameterAccounting.of(tied).totalParams()).isEqualTo(80);
    }

    @Test
    void mtpModuleCountsNormsProjectionAndOneLayer() {
        ModelSpec m = tiny();
        ModelSpec withMtp = new ModelSpec(m.id(), m.displayName(), m.source(), m.layers(), m.hidden(), m.ffn(),
                m.activation(), m.attention(), m.moe(), m.vocab(), false, 1);
        ParameterCounts p = ParameterAccounting.of(withMtp);
        // enorm + hnorm 16, eh_proj 2*8*8 = 128, attention 192, layer norms 16, final norm 8,
        // MoE FFN (last layer is MoE): 576 + 144 + 32
        assertThat(p.mtpParams()).isEqualTo(16 + 128 + 192 + 16 + 8 + 576 + 144 + 32);
        assertThat(p.mtpActiveParams()).isEqualTo(16 + 128 + 192 + 16 + 8 + 2 * 144 + 144 + 32);
        assertThat(p.totalParams()).isEqualTo(ParameterAccounting.of(m).totalParams());
    }

    @Test
    void mlaAttentionByHand() {
        // h=16, 2 heads, q LoRA 4, kv LoRA 3, nope 2, rope 1, v 2
        // q_a 16*4=64, q norm 4, q_b 4*2*3=24; kv_a 16*(3+1)=64, kv norm 3, kv_b 3*2*(2+2)=24; o 2*2*16=64
        var mla = new MultiLatentAttention(2, 4, 3, 2, 1, 2);
        assertThat(mla.parameterCount(16)).isEqualTo(64 + 4 + 24 + 64 + 3 + 24 + 64);
        // without query LoRA: q 16*2*3 = 96
        var noLora = new MultiLatentAttention(2, 0, 3, 2, 1, 2);
        assertThat(noLora.parameterCount(16)).isEqualTo(96 + 64 + 3 + 24 + 64);
    }

    /** Published totals from the model cards: id, total (1e9), active (1e9), total tolerance, active tolerance. */
    @ParameterizedTest
    @CsvSource({
            "qwen3-235b-a22b, 235.1, 22.1, 0.02, 0.04",
            "deepseek-v3,     671.0, 37.0, 0.01, 0.04",
            "mixtral-8x7b,    46.7,  12.9, 0.01, 0.02",
            "mixtral-8x22b,   141.0, 39.0, 0.01, 0.02",
            "qwen3-30b-a3b,   30.5,  3.3,  0.01, 0.04",
            "qwen2-57b-a14b,  57.4,  14.2, 0.01, 0.04",
            "kimi-k2,         1040,  32.6, 0.02, 0.04",
            "deepseek-v2,     236,   21,   0.01, 0.04",
            "phi-3.5-moe,     41.9,  6.6,  0.01, 0.02",
            "olmoe-1b-7b,     6.9,   1.3,  0.01, 0.04",
            "llama3-70b,      70.6,  70.6, 0.01, 0.01",
            "llama3-8b,       8.03,  8.03, 0.01, 0.01",
    })
    void presetsMatchPublishedCounts(String id, double totalB, double activeB, double totalTol, double activeTol) {
        ParameterCounts p = ParameterAccounting.of(ModelCatalog.builtIn().require(id));
        assertThat(p.totalParams() / 1e9).isCloseTo(totalB, within(totalB * totalTol));
        assertThat(p.activeParams() / 1e9).isCloseTo(activeB, within(activeB * activeTol));
    }

    @Test
    void deepSeekV3MtpIsReportedSeparately() {
        ParameterCounts p = ParameterAccounting.of(ModelCatalog.builtIn().require("deepseek-v3"));
        // DeepSeek: 671B main model + 14B MTP module, the latter counting its own copy of embedding and head (1.85B)
        assertThat((p.mtpParams() + p.embeddingParams() + p.outputHeadParams()) / 1e9).isCloseTo(14.0, within(0.7));
    }
}
