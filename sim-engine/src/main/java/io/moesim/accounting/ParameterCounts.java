package io.moesim.accounting;

/**
 * Parameter counts of a model, by component. "Active" parameters are those one token touches in a
 * forward pass: embeddings, attention, norms, dense FFNs, the router, the shared experts and
 * {@code topK} routed experts per MoE layer (the convention of the DeepSeek, Qwen and Mixtral model
 * cards). MTP layers are reported apart from the main model, as DeepSeek-V3's 671B + 14B.
 *
 * @param embeddingParams  input embedding
 * @param outputHeadParams output projection (0 when tied to the embedding)
 * @param attentionParams  all attention blocks of the main model
 * @param normParams       layer norms of the main model (two per layer) and the final norm
 * @param denseFfnParams   FFNs of the dense layers
 * @param routedExpertParams all routed experts of all MoE layers
 * @param sharedExpertParams all shared experts of all MoE layers
 * @param routerParams     router (gate) weights of all MoE layers
 * @param activeParams     parameters touched per token (main model)
 * @param mtpParams        multi-token-prediction modules (not in {@link #totalParams()}); embedding and head are
 *                         shared with the main model and not counted again
 * @param mtpActiveParams  parameters of the MTP modules touched per token
 */
public record ParameterCounts(long embeddingParams, long outputHeadParams, long attentionParams, long normParams,
                              long denseFfnParams, long routedExpertParams, long sharedExpertParams,
                              long routerParams, long activeParams, long mtpParams, long mtpActiveParams) {

    /** All parameters of the main model (MTP modules excluded). */
    public long totalParams() {
        return embeddingParams + outputHeadParams + attentionParams + normParams + denseFfnParams
                + routedExpertParams + sharedExpertParams + routerParams;
    }

    /** All parameters including the MTP modules. */
    public long totalParamsWithMtp() {
        return totalParams() + mtpParams;
    }
}
