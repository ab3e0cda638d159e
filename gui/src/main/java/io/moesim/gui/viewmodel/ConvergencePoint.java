package io.moesim.gui.viewmodel;

/**
 * A point of the layout search's convergence curve: after {@code evaluations} distinct layouts, the best
 * feasible throughput found so far.
 *
 * @param evaluations                distinct layouts evaluated so far
 * @param bestTokensPerSecondPerGpu  best feasible tokens/s/GPU among them (NaN until one fits)
 * @implNote immutable and thread-safe.
 */
public record ConvergencePoint(int evaluations, double bestTokensPerSecondPerGpu) {
}
