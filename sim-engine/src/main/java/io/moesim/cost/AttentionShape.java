package io.moesim.cost;

import io.moesim.scenario.DataType;
import io.moesim.util.Require;

/**
 * One FlashAttention call: {@code batch} sequences of {@code seqQ} queries against {@code seqKv} keys,
 * {@code heads} query heads sharing {@code kvHeads} key/value heads (GQA; MLA in training runs with
 * {@code kvHeads == heads}), query/key head dimension {@code qkDim} and value head dimension
 * {@code vDim} (MLA: 192 and 128 for DeepSeek-V3).
 *
 * @param batch   sequences, at least 1
 * @param seqQ    query length
 * @param seqKv   key/value length (≥ seqQ when causal: queries are the last seqQ positions)
 * @param heads   query heads
 * @param kvHeads key/value heads; divides {@code heads}
 * @param qkDim   query/key head dimension
 * @param vDim    value head dimension
 * @param causal  whether a causal mask applies
 * @param dtype   element type of Q, K, V ({@code bf16}, {@code fp16} or {@code fp8})
 */
public record AttentionShape(int batch, long seqQ, long seqKv, int heads, int kvHeads, int qkDim, int vDim,
                             boolean causal, DataType dtype) {
    public AttentionShape {
        Require.positive("batch", batch);
        Require.positive("seqQ", (double) seqQ);
        Require.positive("seqKv", (double) seqKv);
        Require.positive("heads", heads);
        Require.positive("kvHeads", kvHeads);
        Require.positive("qkDim", qkDim);
        Require.positive("vDim", vDim);
        Require.nonNull("dtype", dtype);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
        }
        if (causal && seqKv < seqQ) {
            throw new IllegalArgumentException("causal attention needs seqKv (" + seqKv + ") >= seqQ (" + seqQ + ")");
        }
    }

    /** Self-attention over one sequence length, the common training case. */
    public static AttentionShape selfAttention(int batch, long seq, int heads, int kvHeads, int qkDim, int vDim,
                                               boolean causal, DataType dtype) {
        return new AttentionShape(batch, seq, seq, heads, kvHeads, qkDim, vDim, causal, dtype);
    }

    /**
     * Query–key pairs that are computed: {@code seqQ·seqKv}, or for a causal mask only those at or below
     * the diagonal, {@code seqQ·(seqKv − seqQ) + seqQ·(seqQ+1)/2}.
     */
    public double scoredPairs() {
        double q = seqQ;
        return causal ? q * (seqKv - seqQ) + q * (q + 1) / 2.0 : q * seqKv;
    }

    /** Forward FLOPs: {@code 2·pairs·heads·(qkDim + vDim)} per sequence (QKᵀ and PV). */
    public double forwardFlops() {
        return 2.0 * batch * heads * scoredPairs() * (qkDim + vDim);
    }

    /**
     * Backward FLOPs as FlashAttention computes them: the recomputed scores {@code QKᵀ} and
     * {@code dQ}, {@code dK} (three products over {@code qkDim}) plus {@code dV} and {@code dP} (two
     * over {@code vDim}): {@code 2·pairs·heads·(3·qkDim + 2·vDim)}; 2.5× forward when the dimensions match.
     */
    public double backwardFlops() {
        return 2.0 * batch * heads * scoredPairs() * (3.0 * qkDim + 2.0 * vDim);
    }
}
