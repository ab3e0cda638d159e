package io.moesim.scenario;

import io.moesim.model.Activation;
import io.moesim.util.Require;

/**
 * A single MoE layer for the {@code moe-layer} workload (kernel-level comparisons such as Flux/Comet).
 *
 * @param tokens     all tokens entering the layer across the parallel group
 * @param hidden     model width
 * @param expertFfn  FFN hidden size of one expert
 * @param experts    routed experts
 * @param topK       experts per token
 * @param activation expert activation
 */
public record MoeLayerSpec(int tokens, int hidden, int expertFfn, int experts, int topK, Activation activation) {
    public MoeLayerSpec {
        Require.positive("layer.tokens", tokens);
        Require.positive("layer.hidden", hidden);
        Require.positive("layer.expertFfn", expertFfn);
        Require.positive("layer.experts", experts);
        Require.positive("layer.topK", topK);
        Require.nonNull("layer.activation", activation);
        if (topK > experts) {
            throw new IllegalArgumentException("layer.topK (" + topK + ") exceeds layer.experts (" + experts + ")");
        }
    }
}
