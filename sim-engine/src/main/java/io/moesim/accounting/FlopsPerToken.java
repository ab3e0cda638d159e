package io.moesim.accounting;

/**
 * Model FLOPs per token of one training step (forward + backward), by component, in Megatron-LM's
 * model-FLOPs convention (see {@link MegatronFlops}). Forward-only FLOPs are exactly one third: the
 * convention counts every GEMM three times (forward, data gradient, weight gradient).
 *
 * @param attentionLinearFlops Q/K/V/O (or MLA) projections
 * @param attentionCoreFlops   {@code QK^T} and {@code AV}, causal (half the score matrix)
 * @param denseFfnFlops        dense-layer FFNs
 * @param routedExpertFlops    the {@code topK} routed experts of every MoE layer
 * @param sharedExpertFlops    shared experts
 * @param mtpProjectionFlops   MTP norms and {@code 2h x h} projections (their transformer layers are in the
 *                             attention and FFN terms)
 * @param logitFlops           output head(s): one per MTP layer plus the main one, over the padded vocabulary
 * @param seqLen               the sequence length the attention terms were computed for
 * @param paddedVocab          the vocabulary size used in the logit term
 */
public record FlopsPerToken(double attentionLinearFlops, double attentionCoreFlops, double denseFfnFlops,
                            double routedExpertFlops, double sharedExpertFlops, double mtpProjectionFlops,
                            double logitFlops, int seqLen, int paddedVocab) {

    /** Training FLOPs per token (forward, data gradient and weight gradient). */
    public double trainingFlops() {
        return attentionLinearFlops + attentionCoreFlops + denseFfnFlops + routedExpertFlops + sharedExpertFlops
                + mtpProjectionFlops + logitFlops;
    }

    /** Forward-only FLOPs per token (one third of {@link #trainingFlops()}). */
    public double forwardFlops() {
        return trainingFlops() / 3.0;
    }
}
