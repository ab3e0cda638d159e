package io.moesim.model;

import static io.moesim.util.Require.nonBlank;
import static io.moesim.util.Require.nonNegative;
import static io.moesim.util.Require.nonNull;
import static io.moesim.util.Require.positive;

import java.util.Optional;

/**
 * A decoder-only transformer, dense or mixture-of-experts, described by the hyperparameters that
 * decide its cost: layer count and widths, the attention variant (GQA or MLA), FFN activation,
 * the MoE layout (routed and shared experts, top-k, dense leading layers, expert groups), vocabulary,
 * tied embeddings, and DeepSeek-style multi-token-prediction (MTP) layers.
 *
 * <pre>{@code
 * ModelSpec qwen = ModelCatalog.builtIn().require("qwen3-235b-a22b");
 * long total = ParameterAccounting.of(qwen).totalParams();
 * }</pre>
 *
 * @param id             identifier ({@code qwen3-235b-a22b}); presets are listed by {@code moe-sim models}
 * @param displayName    human name
 * @param source         where the hyperparameters come from (URL or file)
 * @param layers         transformer layers of the main model (MTP layers not included)
 * @param hidden         model width {@code h}
 * @param ffn            FFN hidden size of the dense layers (unused when every layer is MoE)
 * @param activation     FFN activation (gated or not)
 * @param attention      attention variant
 * @param moe            MoE layout, or {@code null} for a dense model
 * @param vocab          vocabulary size (unpadded)
 * @param tiedEmbeddings whether the output head shares the input embedding
 * @param mtpLayers      multi-token-prediction layers (DeepSeek-V3: 1), each a full transformer layer
 * @implNote immutable and thread-safe.
 */
public record ModelSpec(String id, String displayName, String source, int layers, int hidden, int ffn,
                        Activation activation, AttentionSpec attention, MoeSpec moe, int vocab,
                        boolean tiedEmbeddings, int mtpLayers) {

    public ModelSpec {
        nonBlank("id", id);
        nonBlank("name", displayName);
        source = source == null ? "" : source;
        positive("layers", layers);
        positive("hidden", hidden);
        nonNegative("ffn", ffn);
        nonNull("activation", activation);
        nonNull("attention", attention);
        positive("vocab", vocab);
        nonNegative("mtpLayers", mtpLayers);
        if (moe == null && ffn == 0) {
            throw new IllegalArgumentException("ffn must be positive for a dense model, got 0");
        }
        if (moe != null && ffn == 0 && (moe.firstDenseLayers() > 0 || moe.layerInterval() > 1)) {
            throw new IllegalArgumentException("ffn must be positive: the model has dense layers "
                    + "(firstDenseLayers=" + moe.firstDenseLayers() + ", layerInterval=" + moe.layerInterval() + ")");
        }
        if (moe != null && moe.firstDenseLayers() >= layers) {
            throw new IllegalArgumentException("moe.firstDenseLayers (" + moe.firstDenseLayers()
                    + ") must be less than layers (" + layers + ")");
        }
    }

    /** The MoE layout, empty for a dense model. */
    public Optional<MoeSpec> moeSpec() {
        return Optional.ofNullable(moe);
    }

    /** Whether the model has any MoE layer. */
    public boolean isMoe() {
        return moe != null;
    }

    /** Whether the 0-based main-model layer {@code layerIndex} is an MoE layer. */
    public boolean isMoeLayer(int layerIndex) {
        if (layerIndex < 0 || layerIndex >= layers) {
            throw new IllegalArgumentException("layerIndex out of range [0, " + layers + "): " + layerIndex);
        }
        return moe != null && moe.isMoeLayer(layerIndex);
    }

    /** Number of MoE layers in the main model. */
    public int moeLayers() {
        int n = 0;
        for (int i = 0; i < layers; i++) {
            if (isMoeLayer(i)) {
                n++;
            }
        }
        return n;
    }

    /** Number of dense-FFN layers in the main model. */
    public int denseLayers() {
        return layers - moeLayers();
    }

    /**
     * Whether the MTP layers are MoE layers. As in DeepSeek-V3 and Megatron-LM, an MTP layer has the
     * same kind of FFN as the last main-model layer.
     */
    public boolean mtpLayersAreMoe() {
        return isMoeLayer(layers - 1);
    }

    /** A copy with another id and display name (used when a preset is customised). */
    public ModelSpec withIdentity(String newId, String newDisplayName, String newSource) {
        return new ModelSpec(newId, newDisplayName, newSource, layers, hidden, ffn, activation, attention, moe,
                vocab, tiedEmbeddings, mtpLayers);
    }
}
