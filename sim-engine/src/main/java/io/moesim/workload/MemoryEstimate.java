package io.moesim.workload;

/**
 * Per-GPU memory of a training layout on its most loaded pipeline rank, in bytes.
 *
 * @param pipelineRank  the pipeline rank the figures are for (the one with the highest total)
 * @param weights       BF16 model weights held by the GPU
 * @param gradients     gradient buffers (FP32 main gradients, Megatron's default for BF16 training)
 * @param optimizer     FP32 master weights and the two Adam moments of the GPU's optimizer shard
 * @param activations   activations of the micro-batches in flight under the pipeline schedule
 * @param logits        FP32 logits of one micro-batch (last stage only)
 * @param commBuffers   communication buffers (DeepEP's NVLink and RDMA buffers)
 * @param allowance     CUDA context, library workspaces and fragmentation
 * @param hbmBytes      the GPU's HBM capacity
 */
public record MemoryEstimate(int pipelineRank, double weights, double gradients, double optimizer, double activations,
                             double logits, double commBuffers, double allowance, double hbmBytes) {
    private static final double GIB = 1024.0 * 1024 * 1024;

    /** Everything together. */
    public double totalBytes() {
        return weights + gradients + optimizer + activations + logits + commBuffers + allowance;
    }

    /** The total in GiB. */
    public double peakGiB() {
        return totalBytes() / GIB;
    }

    /** Whether the total fits the GPU's HBM. */
    public boolean fits() {
        return totalBytes() <= hbmBytes;
    }

    /** Bytes in GiB. */
    public static double gib(double bytes) {
        return bytes / GIB;
    }
}
