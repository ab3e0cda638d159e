package io.moesim.accounting;

import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import io.moesim.util.Require;

/**
 * Model FLOPs per token in Megatron-LM's convention: the formula of {@code num_floating_point_operations}
 * in {@code megatron/training/training.py} (NVIDIA/Megatron-LM; its {@code transformer_flops()} path), which
 * is what Megatron's logs report as "TFLOP/s/GPU" and what the published Megatron-Core MoE tables use.
 * Reproducing it exactly makes {@code modelTflopsPerGpu} comparable with those tables.
 *
 * <p>The convention (Narayanan et al. 2021, appendix): each GEMM is counted three times (forward, data
 * gradient, weight gradient) at {@code 2mnk}; causal attention counts half of the score matrix;
 * gated FFNs count 3/2 of an ungated one; MoE layers count {@code topK} routed experts plus the shared
 * experts; MTP layers (DeepSeek-V3) count as extra transformer layers of the same FFN kind as the last
 * layer, plus their norms and {@code 2h x h} projection, plus one more logit GEMM each. Norms,
 * activations, softmax, the router and recomputation are not counted.
 *
 * <p>Per token, with {@code L} layers (MTP included), {@code h} hidden, {@code s} sequence length:
 * <ul>
 *   <li>GQA attention: {@code 12·L·h²·(1 + kvHeads/heads + s/(2h))·(heads·headDim/h)}</li>
 *   <li>MLA attention: {@code 6·L·(q + kv + h·rope + heads·v·h + s·heads·(nope+rope)/2 + s·heads·v/2)} with
 *       {@code q = qLora·(h + heads·(nope+rope) + 1)} (or {@code h·heads·(nope+rope)} without a query LoRA) and
 *       {@code kv = kvLora·(h + heads·(nope+v) + 1)}</li>
 *   <li>FFN: {@code 12·h·g·(ffn·denseLayers + expertFfn·topK·moeLayers + sharedFfn·moeLayers)},
 *       {@code g = 3/2} when gated</li>
 *   <li>MTP: {@code 6·mtp·(3h + 2h²)}; logits: {@code 6·h·paddedVocab·(mtp + 1)}</li>
 * </ul>
 *
 * @implNote stateless and thread-safe.
 */
public final class MegatronFlops {
    /** Megatron-LM's default {@code --make-vocab-size-divisible-by}. */
    public static final int DEFAULT_VOCAB_DIVISOR = 128;

    private MegatronFlops() {
    }

    /**
     * FLOPs per token for sequence length {@code seqLen}, with the vocabulary padded as Megatron pads it
     * without tensor parallelism.
     */
    public static FlopsPerToken perToken(ModelSpec model, int seqLen) {
        return perToken(model, seqLen, 1);
    }

    /**
     * FLOPs per token for sequence length {@code seqLen}; the vocabulary is padded to a multiple of
     * {@code 128 · tensorParallel} as Megatron's {@code _vocab_size_with_padding} does.
     */
    public static FlopsPerToken perToken(ModelSpec model, int seqLen, int tensorParallel) {
        Require.positive("seqLen", seqLen);
        Require.positive("tensorParallel", tensorParallel);
        double h = model.hidden();
        double s = seqLen;
        int mtp = model.mtpLayers();
        double layers = model.layers() + mtp;
        double denseLayers = model.denseLayers() + (model.mtpLayersAreMoe() ? 0 : mtp);
        double moeLayers = model.moeLayers() + (model.mtpLayersAreMoe() ? mtp : 0);
        double gated = model.activation().gated() ? 1.5 : 1.0;

        double attentionLinear;
        double attentionCore;
        if (model.attention() instanceof GroupedQueryAttention gqa) {
            double ratio = (double) gqa.heads() * gqa.headDim() / h;
            double common = 12.0 * layers * h * h * ratio;
            attentionLinear = common * (1.0 + (double) gqa.kvHeads() / gqa.heads());
            attentionCore = common * (s / h / 2.0);
        } else if (model.attention() instanceof MultiLatentAttention mla) {
            double heads = mla.heads();
            double nope = mla.qkNopeHeadDim();
            double rope = mla.qkRopeHeadDim();
            double v = mla.vHeadDim();
            double q = mla.hasQueryLora()
                    ? mla.qLoraRank() * (h + heads * (nope + rope) + 1.0)
                    : h * heads * (nope + rope);
            double kv = mla.kvLoraRank() * (h + heads * (nope + v) + 1.0);
            attentionLinear = 6.0 * layers * (q + kv + h * rope + heads * v * h);
            attentionCore = 6.0 * layers * (s * heads * (nope + rope) / 2.0 + s * heads * v / 2.0);
        } else {
            throw new IllegalStateException("unhandled attention kind " + model.attention().kind());
        }

        double ffnBase = 12.0 * h * gated;
        double dense = ffnBase * model.ffn() * denseLayers;
        MoeSpec moe = model.moe();
        double routed = moe == null ? 0 : ffnBase * moe.expertFfn() * (double) moe.topK() * moeLayers;
        double shared = moe == null ? 0 : ffnBase * moe.sharedFfnTotal() * moeLayers;
        double mtpProjection = 6.0 * mtp * (3.0 * h + 2.0 * h * h);
        int paddedVocab = paddedVocab(model.vocab(), DEFAULT_VOCAB_DIVISOR, tensorParallel);
        double logits = 6.0 * h * paddedVocab * (mtp + 1);
        return new FlopsPerToken(attentionLinear, attentionCore, dense, routed, shared, mtpProjection, logits,
                seqLen, paddedVocab);
    }

    /**
     * Megatron's vocabulary padding: the smallest multiple of {@code divisor · tensorParallel} not below
     * {@code vocab}.
     */
    public static int paddedVocab(int vocab, int divisor, int tensorParallel) {
        Require.positive("vocab", vocab);
        int multiple = Require.positive("divisor", divisor) * Require.positive("tensorParallel", tensorParallel);
        return (int) (((long) vocab + multiple - 1) / multiple * multiple);
    }
}
