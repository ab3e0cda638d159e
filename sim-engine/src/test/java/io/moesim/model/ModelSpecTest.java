package io.moesim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    private static ModelSpec withMoe(MoeSpec moe, int layers) {
        return new ModelSpec("m", "m", "t", layers, 64, 128, Activation.SWIGLU,
                new GroupedQueryAttention(4, 2, 16, false, false), moe, 100, false, 0);
    }

    @Test
    void layerPatternFollowsFirstDenseAndInterval() {
        ModelSpec m = withMoe(new MoeSpec(8, 32, 2, 0, 0, 2, 2, 1, 1), 8);
        // layers 0,1 dense; then (i+1) % 2 == 0 -> 3, 5, 7 are MoE
        assertThat(m.moeLayers()).isEqualTo(3);
        assertThat(m.isMoeLayer(3)).isTrue();
        assertThat(m.isMoeLayer(4)).isFalse();
        assertThat(m.denseLayers()).isEqualTo(5);
        assertThat(m.mtpLayersAreMoe()).isTrue();
    }

    @Test
    void deepSeekV3HasThreeDenseLayers() {
        ModelSpec v3 = ModelCatalog.builtIn().require("deepseek-v3");
        assertThat(v3.moeLayers()).isEqualTo(58);
        assertThat(v3.denseLayers()).isEqualTo(3);
    }

    @Test
    void rejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> new GroupedQueryAttention(6, 4, 128, false, false))
                .hasMessageContaining("kvHeads").hasMessageContaining("6 % 4");
        assertThatThrownBy(() -> MoeSpec.simple(8, 1024, 9)).hasMessageContaining("moe.topK (9)");
        assertThatThrownBy(() -> new MoeSpec(8, 1024, 2, 1, 0, 0, 1, 1, 1)).hasMessageContaining("sharedExpertFfn");
        assertThatThrownBy(() -> new MoeSpec(8, 1024, 2, 0, 0, 0, 1, 3, 1)).hasMessageContaining("expertGroups");
        assertThatThrownBy(() -> withMoe(MoeSpec.simple(8, 32, 2), 0)).hasMessageContaining("layers must be positive, got 0");
        assertThatThrownBy(() -> withMoe(new MoeSpec(8, 32, 2, 0, 0, 4, 1, 1, 1), 4))
                .hasMessageContaining("firstDenseLayers");
        assertThatThrownBy(() -> new ModelSpec("d", "d", "t", 2, 64, 0, Activation.SWIGLU,
                new GroupedQueryAttention(4, 2, 16, false, false), null, 100, false, 0))
                .hasMessageContaining("ffn must be positive for a dense model");
    }

    @Test
    void layerIndexOutOfRangeIsRejected() {
        ModelSpec m = withMoe(MoeSpec.simple(8, 32, 2), 4);
        assertThatThrownBy(() -> m.isMoeLayer(4)).hasMessageContaining("[0, 4)");
    }

    @Test
    void catalogPresetsAreUniqueAndCited() {
        ModelCatalog c = ModelCatalog.builtIn();
        assertThat(new HashSet<>(c.ids())).hasSameSizeAs(c.ids());
        assertThat(c.ids()).contains("deepseek-v3", "kimi-k2", "qwen3-235b-a22b", "qwen3-30b-a3b", "qwen2-57b-a14b",
                "mixtral-8x7b", "mixtral-8x22b", "llama3-70b", "olmoe-1b-7b", "phi-3.5-moe", "deepseek-v2-lite");
        assertThat(c.models()).allSatisfy(m -> assertThat(m.source()).startsWith("https://"));
        assertThat(c.models()).anySatisfy(m -> assertThat(m.isMoe()).isFalse());
    }

    @Test
    void unknownPresetListsKnownIds() {
        assertThatThrownBy(() -> ModelCatalog.builtIn().require("gpt-5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model 'gpt-5'").hasMessageContaining("qwen3-235b-a22b");
    }

    @Test
    void activationIdsRoundTrip() {
        for (Activation a : Activation.values()) {
            assertThat(Activation.fromId(a.id())).isEqualTo(a);
        }
        assertThat(Activation.fromId("silu")).isEqualTo(Activation.SWIGLU);
        assertThatThrownBy(() -> Activation.fromId("tanh")).hasMessageContaining("swiglu");
    }
}
