package io.moesim.model;

import static io.moesim.util.Require.positive;

/**
 * Multi-head attention with grouped key/value heads (GQA; {@code kvHeads == heads} is plain MHA,
 * {@code kvHeads == 1} is MQA). Projections: Q {@code h x heads*d}, K and V {@code h x kvHeads*d}, O
 * {@code heads*d x h}.
 *
 * @param heads     query heads
 * @param kvHeads   key/value heads (query groups); must divide {@code heads}
 * @param headDim   per-head dimension {@code d} (Hugging Face {@code head_dim}, Megatron {@code kv_channels})
 * @param qkvBias   whether Q, K and V projections carry a bias (Qwen2)
 * @param qkNorm    whether queries and keys are RMS-normalised per head (Qwen3, OLMoE)
 */
public record GroupedQueryAttention(int heads, int kvHeads, int headDim, boolean qkvBias, boolean qkNorm)
        implements AttentionSpec {

    public GroupedQueryAttention {
        positive("heads", heads);
        positive("kvHeads", kvHeads);
        positive("headDim", headDim);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(
                    "heads must be a multiple of kvHeads: " + heads + " % " + kvHeads + " != 0");
        }
    }

    @Override
    public String kind() {
        return "gqa";
    }

    @Override
    public long parameterCount(int hiddenSize) {
        long h = hiddenSize;
        long q = (long) heads * headDim;
        long kv = (long) kvHeads * headDim;
        long weights = h * q + 2 * h * kv + q * h;
        long bias = qkvBias ? q + 2 * kv : 0;
        long norms = qkNorm ? 2L * headDim : 0;
        return weights + bias + norms;
    }

    @Override
    public int outputWidth() {
        return heads * headDim;
    }

    @Override
    public int queryKeyHeadDim() {
        return headDim;
    }

    @Override
    public int valueHeadDim() {
        return headDim;
    }
}
