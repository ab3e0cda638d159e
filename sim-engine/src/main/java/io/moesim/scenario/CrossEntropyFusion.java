package io.moesim.scenario;

/**
 * How the training framework computes the language-model loss (softmax cross entropy over the
 * vocabulary-parallel logits), Megatron-LM's {@code --cross-entropy-loss-fusion} and
 * {@code --cross-entropy-fusion-impl}. The three differ in how many times the logits, the largest activation
 * of the step, cross HBM: see {@code CrossEntropyLoss} in the training-step workload for the byte counts.
 */
public enum CrossEntropyFusion {
    /** Megatron-LM's default: {@code vocab_parallel_cross_entropy}, one PyTorch kernel per elementwise step, FP32. */
    NONE,
    /** {@code --cross-entropy-loss-fusion --cross-entropy-fusion-impl native}: Megatron's jit-fused steps. */
    NATIVE,
    /** {@code --cross-entropy-loss-fusion --cross-entropy-fusion-impl te}: Transformer Engine's Triton kernels. */
    TE;

    /** The id used in scenario files. */
    public String id() {
        return Ids.lower(this);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static CrossEntropyFusion fromId(String id) {
        return Ids.parse(CrossEntropyFusion.class, "cross-entropy fusion", id, CrossEntropyFusion::id);
    }
}
