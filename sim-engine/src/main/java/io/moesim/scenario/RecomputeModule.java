package io.moesim.scenario;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A module that selective recomputation re-runs in the backward pass instead of keeping its activations:
 * Megatron-Core's {@code --recompute-modules} (transformer_config.py), with the same ids. Each one trades the
 * module's saved activations for running its forward again just before its backward.
 *
 * <ul>
 *   <li>{@code core_attn}: core attention (FlashAttention and, with context parallelism, its ring exchange);</li>
 *   <li>{@code layernorm}: the layer norms before attention and before the MLP / MoE block;</li>
 *   <li>{@code moe_act}: the activation between the two expert GEMMs;</li>
 *   <li>{@code mla_up_proj}: the up-projections of multi-latent attention (MLA models only);</li>
 *   <li>{@code mlp}: the whole dense MLP of non-MoE layers, with its tensor-parallel communication;</li>
 *   <li>{@code moe}: the whole MoE block after its norm: router, permute, dispatch, experts, combine and the
 *       shared experts (the dispatch and combine run again);</li>
 *   <li>{@code shared_experts}: the shared experts.</li>
 * </ul>
 */
public enum RecomputeModule {
    CORE_ATTN, LAYERNORM, MOE_ACT, MLA_UP_PROJ, MLP, MOE, SHARED_EXPERTS;

    /**
     * The modules {@code "recompute": "selective"} means when a scenario names none: the Megatron-MoE-ModelZoo
     * recipes' {@code --recompute-modules layernorm moe_act} (Megatron-Core's own default is {@code core_attn}).
     */
    public static final Set<RecomputeModule> SELECTIVE_DEFAULT =
            Collections.unmodifiableSet(EnumSet.of(LAYERNORM, MOE_ACT));

    /** The id used in scenario files and Megatron's flag, e.g. {@code moe_act}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static RecomputeModule fromId(String id) {
        return Ids.parse(RecomputeModule.class, "recompute module", id, RecomputeModule::id);
    }
}
