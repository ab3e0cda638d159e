package io.moesim.accounting;

import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;

/**
 * Counts a model's parameters from its hyperparameters, layer by layer.
 *
 * <p>Per layer: attention ({@link io.moesim.model.AttentionSpec#parameterCount(int)}), two RMS norms
 * of width {@code h}, and either a dense FFN ({@code 3·h·ffn} gated, {@code 2·h·ffn} otherwise) or an MoE
 * block: router {@code h·experts}, {@code experts} routed FFNs of width {@code expertFfn}, and the shared
 * experts. Plus the embedding {@code vocab·h}, the output head (unless tied) and a final norm. An MTP
 * module (DeepSeek-V3 §2.2) adds two norms, a {@code 2h x h} projection, one transformer layer and a
 * norm; it shares the embedding and head.
 *
 * <p>Small terms that no published count depends on (biases of the router, LayerNorm biases) are
 * left out; the presets' published totals are matched to better than 0.5%.
 *
 * @implNote stateless and thread-safe.
 */
public final class ParameterAccounting {
    private ParameterAccounting() {
    }

    /** Counts the parameters of {@code model}. */
    public static ParameterCounts of(ModelSpec model) {
        long h = model.hidden();
        long attentionPerLayer = model.attention().parameterCount(model.hidden());
        long normsPerLayer = 2 * h;
        long denseFfnPerLayer = ffnParams(h, model.ffn(), model);

        long attention = 0;
        long norms = h; // final norm
        long denseFfn = 0;
        long routed = 0;
        long shared = 0;
        long router = 0;
        long active = 0;

        MoeSpec moe = model.moe();
        long expertParams = moe == null ? 0 : ffnParams(h, moe.expertFfn(), model);
        long sharedPerLayer = moe == null ? 0 : moe.sharedExperts() * ffnParams(h, moe.sharedExpertFfn(), model);
        long routerPerLayer = moe == null ? 0 : h * moe.experts();

        for (int layer = 0; layer < model.layers(); layer++) {
            attention += attentionPerLayer;
            norms += normsPerLayer;
            active += attentionPerLayer + normsPerLayer;
            if (model.isMoeLayer(layer)) {
                routed += moe.experts() * expertParams;
                shared += sharedPerLayer;
                router += routerPerLayer;
                active += moe.topK() * expertParams + sharedPerLayer + routerPerLayer;
            } else {
                denseFfn += denseFfnPerLayer;
                active += denseFfnPerLayer;
            }
        }
        long embedding = model.vocab() * h;
        long head = model.tiedEmbeddings() ? 0 : embedding;
        active += embedding + head + h;

        long mtp = 0;
        long mtpActive = 0;
        if (model.mtpLayers() > 0) {
            long perModuleFixed = 2 * h + 2 * h * h + attentionPerLayer + normsPerLayer + h;
            long ffnTotal;
            long ffnActive;
            if (model.mtpLayersAreMoe()) {
                ffnTotal = moe.experts() * expertParams + sharedPerLayer + routerPerLayer;
                ffnActive = moe.topK() * expertParams + sharedPerLayer + routerPerLayer;
            } else {
                ffnTotal = denseFfnPerLayer;
                ffnActive = denseFfnPerLayer;
            }
            mtp = model.mtpLayers() * (perModuleFixed + ffnTotal);
            mtpActive = model.mtpLayers() * (perModuleFixed + ffnActive);
        }
        return new ParameterCounts(embedding, head, attention, norms, denseFfn, routed, shared, router, active,
                mtp, mtpActive);
    }

    private static long ffnParams(long hidden, int ffnWidth, ModelSpec model) {
        return model.activation().weightMatrices() * hidden * ffnWidth;
    }
}
