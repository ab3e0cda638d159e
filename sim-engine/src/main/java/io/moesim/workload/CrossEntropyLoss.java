package io.moesim.workload;

import io.moesim.scenario.CrossEntropyFusion;

/**
 * The language-model loss on the last pipeline stage: softmax cross entropy over this rank's vocabulary shard of
 * the logits, {@code N = tokens × vocab / tp} elements that the output layer's GEMM writes in BF16. The logits are
 * the largest activation of a step (Qwen3-235B at TP 2: 4096 × 76,032 = 311 M elements per micro-batch, 0.6 GB in
 * BF16, 1.2 GB in FP32), so how many times the loss reads and writes them decides its cost. The byte counts below
 * are read from the code, per element of the logits, and priced by the memory model's elementwise efficiency
 * (every step streams the tensor; the row reductions read contiguous rows).
 *
 * <h2>{@link CrossEntropyFusion#NONE}: Megatron-LM's default</h2>
 * {@code megatron/core/tensor_parallel/cross_entropy.py} (Megatron-LM commit 1e057005, the code of the
 * Megatron-MoE-ModelZoo's May-2025 Qwen3-235B runs), one PyTorch kernel per step. Forward: {@code .float()} reads
 * 2 and writes 4 bytes; {@code max} over the vocabulary reads 4; the in-place subtraction of the maximum reads and
 * writes 4 each; {@code exp} in place 4 + 4; {@code sum} reads 4; the in-place division into the softmax kept for
 * the backward 4 + 4: <b>38 bytes</b>. Backward: the in-place multiplication by the output gradient 4 + 4, and
 * autograd's cast of the FP32 gradient back to the BF16 input's type 4 + 2: <b>14 bytes</b>. Three all-reduces
 * over the tensor-parallel group carry one FP32 value per token each (maximum, target logit, sum of
 * exponentials). About 22 kernels forward (the masks of the vocabulary range, the target gather and the
 * index_put calls included) and 8 backward.
 *
 * <h2>{@link CrossEntropyFusion#NATIVE}: {@code --cross-entropy-fusion-impl native}</h2>
 * {@code megatron/core/fusions/fused_cross_entropy.py}: the same steps in four {@code jit_fuser} functions, each
 * taken as fully fused. Forward: cast and maximum 2 + 4; subtraction, exponential and sum 4 + 4; division 4 + 4:
 * <b>22 bytes</b>. Backward: gradient and cast to BF16 in one function, 4 + 2: <b>6 bytes</b>. Two all-reduces
 * (the maximum, and target logit with sum concatenated). About 11 kernels forward, 6 backward.
 *
 * <h2>{@link CrossEntropyFusion#TE}: {@code --cross-entropy-fusion-impl te}</h2>
 * Transformer Engine's {@code pytorch/triton/cross_entropy.py} (v2.6): an online-softmax kernel reads the BF16
 * logits (2), the cross-entropy kernel reads them again and writes the gradient in place (2 + 2): <b>6 bytes</b>
 * forward. Backward: {@code torch.equal(grad_output, 1.0)} (a host synchronisation) and, as Megatron's output
 * gradient is not 1, an in-place multiplication 2 + 2: <b>4 bytes</b>. One all-gather of three FP32 values per
 * token. About 6 kernels forward, 3 backward.
 *
 * <h2>Around the loss (every implementation)</h2>
 * {@code compute_language_model_loss} transposes labels and loss, {@code pretrain_gpt.loss_func} masks and sums,
 * and the schedule's {@code forward_step} scales by the token and micro-batch counts: about 14 kernels forward and
 * 5 backward. With BF16, Megatron-LM checks the loss for NaN and Inf by default
 * ({@code --check-for-nan-in-loss-and-grad}; {@code rerun_state_machine.validate_result} evaluates
 * {@code torch.isnan(loss)} as a Python bool), so the host waits for the GPU after every micro-batch's loss: two
 * synchronisations, modelled as one (the second finds the GPU idle).
 */
final class CrossEntropyLoss {
    /** Kernels around the cross entropy itself, forward (transposes, loss mask and sum, NaN and Inf checks, scaling). */
    static final int WRAPPER_FORWARD_KERNELS = 14;
    /** Kernels around the cross entropy itself, backward. */
    static final int WRAPPER_BACKWARD_KERNELS = 5;
    /**
     * Of the forward kernels, those launched from the NaN check on (isnan, isinf, the token count and its copies,
     * the two scalings): the host launches them only after it has waited for the loss.
     */
    static final int CHECK_KERNELS = 8;

    private CrossEntropyLoss() {
    }

    /** HBM bytes the forward moves per element of the rank's logits. */
    static int forwardBytesPerElement(CrossEntropyFusion f) {
        return switch (f) {
            case NONE -> 38;
            case NATIVE -> 22;
            case TE -> 6;
        };
    }

    /** HBM bytes the backward moves per element of the rank's logits. */
    static int backwardBytesPerElement(CrossEntropyFusion f) {
        return switch (f) {
            case NONE -> 14;
            case NATIVE -> 6;
            case TE -> 4;
        };
    }

    /** Kernels the loss launches forward, the wrapper included. */
    static int forwardKernels(CrossEntropyFusion f) {
        return WRAPPER_FORWARD_KERNELS + switch (f) {
            case NONE -> 22;
            case NATIVE -> 11;
            case TE -> 6;
        };
    }

    /** Kernels the loss launches backward, the wrapper included. */
    static int backwardKernels(CrossEntropyFusion f) {
        return WRAPPER_BACKWARD_KERNELS + switch (f) {
            case NONE -> 8;
            case NATIVE -> 6;
            case TE -> 3;
        };
    }

    /** Whether the backward makes the host wait for the GPU (Transformer Engine's {@code torch.equal}). */
    static boolean backwardSyncs(CrossEntropyFusion f) {
        return f == CrossEntropyFusion.TE;
    }

    /**
     * The tensor-parallel collectives of the forward, as FP32 bytes per token and rank of each: all-reduces for
     * Megatron's implementations, one all-gather (of three values per token) for Transformer Engine's.
     */
    static int[] allReduceBytesPerToken(CrossEntropyFusion f) {
        return switch (f) {
            case NONE -> new int[]{4, 4, 4};
            case NATIVE -> new int[]{4, 8};
            case TE -> new int[0];
        };
    }

    /** FP32 bytes per token and rank that Transformer Engine's forward all-gathers (0 for the others). */
    static int allGatherBytesPerToken(CrossEntropyFusion f) {
        return f == CrossEntropyFusion.TE ? 12 : 0;
    }

    /**
     * Bytes per logits element the last stage keeps for the backward: the FP32 softmax in Megatron's
     * implementations, the BF16 gradient written in place by Transformer Engine's.
     */
    static int savedBytesPerElement(CrossEntropyFusion f) {
        return f == CrossEntropyFusion.TE ? 2 : 4;
    }
}
