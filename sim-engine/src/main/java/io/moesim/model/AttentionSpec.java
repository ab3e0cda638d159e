package io.moesim.model;

/**
 * The self-attention block of a transformer layer. The two variants differ in their projections and
 * therefore in parameters, FLOPs, KV-cache size and how they shard under tensor parallelism.
 *
 * <pre>{@code
 * AttentionSpec gqa = new GroupedQueryAttention(64, 4, 128, false, true);   // Qwen3-235B
 * AttentionSpec mla = new MultiLatentAttention(128, 1536, 512, 128, 64, 128); // DeepSeek-V3
 * }</pre>
 *
 * @implNote implementations are immutable records and thread-safe.
 */
public sealed interface AttentionSpec permits GroupedQueryAttention, MultiLatentAttention {

    /** Number of query heads. */
    int heads();

    /** Short id used in files: {@code gqa} or {@code mla}. */
    String kind();

    /** Weights of the block for a model of the given hidden size (projections and internal norms; no layer norms). */
    long parameterCount(int hiddenSize);

    /** Width of the attention output fed to the output projection ({@code heads * vHeadDim}). */
    int outputWidth();

    /** Query/key head dimension used in the score product {@code QK^T}. */
    int queryKeyHeadDim();

    /** Value head dimension used in the product {@code softmax(QK^T) V}. */
    int valueHeadDim();
}
