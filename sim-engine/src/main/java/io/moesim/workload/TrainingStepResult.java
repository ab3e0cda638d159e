package io.moesim.workload;

import io.moesim.engine.SimulationResult;

/**
 * One simulated training step.
 *
 * @param stepTimeSeconds        wall time of the step
 * @param tokensPerSecondPerGpu  {@code globalBatch · seqLen / step / GPUs}
 * @param modelTflopsPerGpu      Megatron-LM model FLOPs per step / step / GPUs
 * @param mfu                    model TFLOPS over the GPU's dense peak for the training precision
 * @param computeSeconds         compute-busy time of the busiest pipeline stage
 * @param exposedCommSeconds     communication on that stage's compute stream (not overlapped)
 * @param exposedCommByKind      {@code exposedCommSeconds} split by category id ({@code ep-comm}, {@code tp-comm},
 *                               {@code cp-comm}, …), in a fixed order
 * @param pipelineBubbleSeconds  step time minus that stage's compute-stream busy time and its host-bound idle time
 * @param hostBoundSeconds       time that stage's compute stream sat idle waiting for the host to launch the next
 *                               kernel (framework overhead, and the refill after device-to-host synchronisations)
 * @param microBatches           micro-batches per step per pipeline
 * @param loadImbalance          tokens of the busiest expert-parallel rank over the mean (1 = balanced), averaged over MoE layers
 * @param loadPerEpRank          each expert-parallel rank's routed tokens over the group mean, averaged over MoE layers
 *                               (rank order of the expert-parallel group; empty for a dense model)
 * @param maxLoadPerEpRank       the same ratio, its largest value over the MoE layers
 * @param droppedTokenFraction   routed tokens dropped by the capacity factor (0 when dropless)
 * @param memory                 per-GPU memory on the most loaded pipeline rank
 * @param simulation             the engine run of one pipeline (one GPU per stage), for traces
 */
public record TrainingStepResult(double stepTimeSeconds, double tokensPerSecondPerGpu, double modelTflopsPerGpu,
                                 double mfu, double computeSeconds, double exposedCommSeconds,
                                 java.util.Map<String, Double> exposedCommByKind,
                                 double pipelineBubbleSeconds, double hostBoundSeconds, int microBatches, double loadImbalance,
                                 double[] loadPerEpRank, double[] maxLoadPerEpRank, double droppedTokenFraction,
                                 MemoryEstimate memory, SimulationResult simulation) {
    /** Copies the per-rank arrays, so that the result stays immutable. */
    public TrainingStepResult {
        loadPerEpRank = loadPerEpRank.clone();
        maxLoadPerEpRank = maxLoadPerEpRank.clone();
    }

    /** Each expert-parallel rank's routed tokens over the mean, averaged over MoE layers (a copy). */
    @Override
    public double[] loadPerEpRank() {
        return loadPerEpRank.clone();
    }

    /** Each expert-parallel rank's largest routed tokens over the mean in any MoE layer (a copy). */
    @Override
    public double[] maxLoadPerEpRank() {
        return maxLoadPerEpRank.clone();
    }
}
