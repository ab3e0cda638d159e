package io.moesim.model;

import static io.moesim.util.Require.nonNegative;
import static io.moesim.util.Require.positive;

/**
 * The mixture-of-experts part of a model: which layers are MoE layers and what each contains.
 *
 * <p>Layer pattern: layer {@code i} (0-based) is an MoE layer when {@code i >= firstDenseLayers} and
 * {@code (i + 1) % layerInterval == 0} (Hugging Face's {@code first_k_dense_replace} and
 * {@code decoder_sparse_step}); the other layers use the model's dense FFN.
 *
 * <pre>{@code
 * // DeepSeek-V3: 256 routed experts of FFN 2048, 1 shared expert, top-8 from 4 of 8 groups, 3 dense layers
 * MoeSpec moe = new MoeSpec(256, 2048, 8, 1, 2048, 3, 1, 8, 4);
 * }</pre>
 *
 * @param experts            routed experts per MoE layer
 * @param expertFfn          FFN hidden size of one routed expert
 * @param topK               routed experts per token
 * @param sharedExperts      always-active shared experts (0 if none)
 * @param sharedExpertFfn    FFN hidden size of one shared expert (0 if none)
 * @param firstDenseLayers   leading layers that keep a dense FFN
 * @param layerInterval      every {@code layerInterval}-th layer after those is MoE (1 = all)
 * @param expertGroups       expert groups for group-limited routing (1 = no grouping)
 * @param topKGroups         groups a token may be routed to (equal to {@code expertGroups} if unrestricted)
 */
public record MoeSpec(int experts, int expertFfn, int topK, int sharedExperts, int sharedExpertFfn,
                      int firstDenseLayers, int layerInterval, int expertGroups, int topKGroups) {

    public MoeSpec {
        positive("moe.experts", experts);
        positive("moe.expertFfn", expertFfn);
        positive("moe.topK", topK);
        nonNegative("moe.sharedExperts", sharedExperts);
        nonNegative("moe.sharedExpertFfn", sharedExpertFfn);
        nonNegative("moe.firstDenseLayers", firstDenseLayers);
        positive("moe.layerInterval", layerInterval);
        positive("moe.expertGroups", expertGroups);
        positive("moe.topKGroups", topKGroups);
        if (topK > experts) {
            throw new IllegalArgumentException("moe.topK (" + topK + ") exceeds moe.experts (" + experts + ")");
        }
        if ((sharedExperts == 0) != (sharedExpertFfn == 0)) {
            throw new IllegalArgumentException("moe.sharedExperts (" + sharedExperts + ") and moe.sharedExpertFfn ("
                    + sharedExpertFfn + ") must both be zero or both positive");
        }
        if (experts % expertGroups != 0) {
            throw new IllegalArgumentException("moe.experts (" + experts + ") must be a multiple of moe.expertGroups ("
                    + expertGroups + ")");
        }
        if (topKGroups > expertGroups) {
            throw new IllegalArgumentException("moe.topKGroups (" + topKGroups + ") exceeds moe.expertGroups ("
                    + expertGroups + ")");
        }
    }

    /** An MoE spec with every layer sparse, no shared experts and no group-limited routing. */
    public static MoeSpec simple(int experts, int expertFfn, int topK) {
        return new MoeSpec(experts, expertFfn, topK, 0, 0, 0, 1, 1, 1);
    }

    /** Whether the 0-based layer {@code layerIndex} is an MoE layer. */
    public boolean isMoeLayer(int layerIndex) {
        return layerIndex >= firstDenseLayers && (layerIndex + 1) % layerInterval == 0;
    }

    /** Total FFN width of the shared experts (Megatron's {@code moe_shared_expert_intermediate_size}). */
    public int sharedFfnTotal() {
        return sharedExperts * sharedExpertFfn;
    }
}
