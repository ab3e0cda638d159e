package io.moesim.scenario;

import io.moesim.util.Require;

/**
 * Batch shape of a training step.
 *
 * @param seqLen      tokens per sequence
 * @param globalBatch sequences per optimizer step
 * @param microBatch  sequences per micro-batch on one data-parallel rank
 */
public record BatchSpec(int seqLen, int globalBatch, int microBatch) {
    public BatchSpec {
        Require.positive("batch.seqLen", seqLen);
        Require.positive("batch.globalBatch", globalBatch);
        Require.positive("batch.microBatch", microBatch);
    }

    /** Tokens per optimizer step. */
    public long tokensPerStep() {
        return (long) seqLen * globalBatch;
    }
}
