package io.moesim.model;

import static io.moesim.util.Require.nonNegative;
import static io.moesim.util.Require.positive;

/**
 * DeepSeek's Multi-head Latent Attention (DeepSeek-V2 report §2.1; DeepSeek-V3 report §2.1.1).
 * Queries go through an optional low-rank bottleneck ({@code q_a: h x qLoraRank}, norm,
 * {@code q_b: qLoraRank x heads*(nope+rope)}); keys and values share a compressed latent
 * ({@code kv_a: h x (kvLoraRank + rope)}, norm, {@code kv_b: kvLoraRank x heads*(nope+v)}); the output
 * projection is {@code heads*v x h}.
 *
 * @param heads          query heads
 * @param qLoraRank      query compression rank; 0 when queries are projected directly (DeepSeek-V2-Lite)
 * @param kvLoraRank     key/value latent rank {@code d_c}
 * @param qkNopeHeadDim  per-head query/key dimension without rotary embedding
 * @param qkRopeHeadDim  per-head decoupled rotary dimension (shared key across heads)
 * @param vHeadDim       per-head value dimension
 */
public record MultiLatentAttention(int heads, int qLoraRank, int kvLoraRank, int qkNopeHeadDim,
                                   int qkRopeHeadDim, int vHeadDim) implements AttentionSpec {

    public MultiLatentAttention {
        positive("heads", heads);
        nonNegative("qLoraRank", qLoraRank);
        positive("kvLoraRank", kvLoraRank);
        positive("qkNopeHeadDim", qkNopeHeadDim);
        nonNegative("qkRopeHeadDim", qkRopeHeadDim);
        positive("vHeadDim", vHeadDim);
    }

    @Override
    public String kind() {
        return "mla";
    }

    /** Whether queries use the low-rank bottleneck. */
    public boolean hasQueryLora() {
        return qLoraRank > 0;
    }

    @Override
    public long parameterCount(int hiddenSize) {
        long h = hiddenSize;
        long qHead = qkNopeHeadDim + qkRopeHeadDim;
        long query = hasQueryLora()
                ? h * qLoraRank + qLoraRank + (long) qLoraRank * heads * qHead
                : h * heads * qHead;
        long kv = h * (kvLoraRank + qkRopeHeadDim) + kvLoraRank
                + (long) kvLoraRank * heads * (qkNopeHeadDim + vHeadDim);
        long out = (long) heads * vHeadDim * h;
        return query + kv + out;
    }

    @Override
    public int outputWidth() {
        return heads * vHeadDim;
    }

    @Override
    public int queryKeyHeadDim() {
        return qkNopeHeadDim + qkRopeHeadDim;
    }

    @Override
    public int valueHeadDim() {
        return vHeadDim;
    }
}
