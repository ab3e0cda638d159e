package io.moesim.workload;

/**
 * Kernels the MoE router launches per layer and micro-batch, forward and backward, as {@link FrameworkHost} counts
 * them: the gating op ({@code router}: its GEMM and casts) and everything between the logits and the routing
 * probabilities ({@code topk}: top-k, softmax, routing map, token counts, auxiliary loss).
 *
 * <h2>Megatron-LM 1e057005 ({@link #megatron}), the code of the ModelZoo's May-2025 Qwen3 runs</h2>
 * Counted from {@code megatron/core/transformer/moe/router.py} and {@code moe_utils.py} for {@code TopKRouter} with
 * {@code aux_loss} balancing, a softmax after the top-k and {@code --moe-router-dtype fp32}; that commit has no
 * router fusion (Megatron added {@code --moe-router-fusion} in c08d89b, 2025-08-17). Forward:
 * <ul>
 *   <li>gating, {@value #GATING}: the input and the weight cast to FP32, the FP32 GEMM;</li>
 *   <li>{@code --moe-router-force-load-balancing} (the published benchmarks), {@value #FORCED_BALANCE}: RandomSTE's
 *       {@code clone} and {@code normal_};</li>
 *   <li>{@code topk_softmax_with_capacity}, {@value #TOPK_SOFTMAX}: {@code torch.topk} (gather and sort), the
 *       softmax of the top-k scores, the probabilities scattered into a zero map (fill, copy, scatter), the routing
 *       map (fill, cast to int, copy, scatter, cast to bool) and its column sum;</li>
 *   <li>the auxiliary loss, {@value #AUX_LOSS} plus one all-reduce of the token counts over the TP×CP group when
 *       that group has more than one rank: the softmax of all scores, the column sum, the product, its sum and
 *       scale, and the logging tracker's division, in-place add and write-back.</li>
 * </ul>
 * Backward: the gating GEMM's data and weight gradients, each with the cast of its gradient back to BF16
 * ({@value #GATING_DGRAD} and {@value #GATING_WGRAD}); and {@value #TOPK_BACKWARD} for the rest: the auxiliary-loss
 * scaler ({@code ones_like}, scale), the loss's backward (scale, product, contiguous copy of the expanded gradient,
 * softmax backward), the top-k path (gather, softmax backward, the top-k's zero fill and scatter) and the sum of the
 * two gradients of the logits. RandomSTE passes its gradient through.
 * <p>
 * Checked by running that code: {@code tools/host-probe/count_router_ops.py} executes Megatron-LM 1e057005's
 * {@code TopKRouter} on the CPU under a dispatch-mode logger (results-2026-11-30-epyc/router_ops.txt): 22 ATen
 * operations forward (TP 1, so no all-reduce), which are 25 CUDA kernels ({@code torch.topk} gathers and sorts, and
 * each out-of-place {@code scatter} copies before it scatters); 14 backward, which are 15 kernels (CUDA's softmax
 * backward first makes its expanded gradient contiguous).
 *
 * <h2>Other frameworks ({@link #generic})</h2>
 * DeepSeek's own framework ({@code dualpipe}) keeps moe-sim's earlier assumption: the gating GEMM and one cast, and
 * twelve small kernels of top-k, balancing and counting, whose backward launches {@link FrameworkHost#BACKWARD_FACTOR}
 * times as many.
 *
 * @param gating        forward kernels of the gating op
 * @param topk          forward kernels of the top-k op
 * @param gatingDgrad   backward kernels of the gating op's data gradient
 * @param gatingWgrad   backward kernels of the gating op's weight gradient
 * @param topkBackward  backward kernels of the top-k op
 */
record RouterKernels(int gating, int topk, int gatingDgrad, int gatingWgrad, int topkBackward) {
    static final int GATING = 3;
    static final int FORCED_BALANCE = 2;
    static final int TOPK_SOFTMAX = 12;
    static final int AUX_LOSS = 8;
    static final int GATING_DGRAD = 2;
    static final int GATING_WGRAD = 2;
    static final int TOPK_BACKWARD = 11;

    RouterKernels {
        if (gating < 0 || topk < 0 || gatingDgrad < 0 || gatingWgrad < 0 || topkBackward < 0) {
            throw new IllegalArgumentException("kernel counts must not be negative");
        }
    }

    /**
     * Megatron-LM 1e057005's router.
     *
     * @param forcedBalance  whether routing is forced to balance ({@code --moe-router-force-load-balancing})
     * @param sequenceGroup  ranks the sequence is split over (TP × CP), whose token counts the auxiliary loss
     *                       all-reduces when above 1
     */
    static RouterKernels megatron(boolean forcedBalance, int sequenceGroup) {
        int forward = TOPK_SOFTMAX + AUX_LOSS + (sequenceGroup > 1 ? 1 : 0) + (forcedBalance ? FORCED_BALANCE : 0);
        return new RouterKernels(GATING, forward, GATING_DGRAD, GATING_WGRAD, TOPK_BACKWARD);
    }

    /** The earlier, framework-neutral assumption (see the class comment). */
    static RouterKernels generic() {
        return new RouterKernels(2, 12, 2, 2, (int) Math.round(12 * FrameworkHost.BACKWARD_FACTOR));
    }
}
