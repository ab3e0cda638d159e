package io.moesim.search;

import java.util.Comparator;

/**
 * What the search learned about one layout: its simulated training step, or that it does not fit in the
 * GPUs' memory.
 *
 * @param layout                 the layout
 * @param gpus                   GPUs it runs on
 * @param simulated              whether the training step was simulated (false when the memory model
 *                               already showed that the layout does not fit: the engine is not run then)
 * @param fitsInMemory           whether the per-GPU peak memory fits the HBM
 * @param stepTimeSeconds        simulated step time (0 when not simulated)
 * @param tokensPerSecondPerGpu  simulated throughput per GPU (0 when not simulated)
 * @param modelTflopsPerGpu      Megatron-LM model TFLOPS per GPU (0 when not simulated)
 * @param mfu                    model FLOPs utilisation (0 when not simulated)
 * @param peakMemoryGiB          per-GPU peak memory of the most loaded pipeline rank
 * @param hbmGiB                 the GPU's memory
 * @implNote immutable and thread-safe.
 */
public record Evaluation(Layout layout, int gpus, boolean simulated, boolean fitsInMemory, double stepTimeSeconds,
                         double tokensPerSecondPerGpu, double modelTflopsPerGpu, double mfu, double peakMemoryGiB,
                         double hbmGiB) {

    /**
     * Best first: feasible before infeasible, then higher throughput per GPU, then the canonical layout order
     * (so equal throughputs are ranked the same way on every run).
     */
    public static final Comparator<Evaluation> BEST_FIRST = Comparator
            .comparing((Evaluation e) -> !e.feasible())
            .thenComparing(Comparator.comparingDouble(Evaluation::tokensPerSecondPerGpu).reversed())
            .thenComparing(Evaluation::layout);

    public Evaluation {
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
        if (gpus < 1) {
            throw new IllegalArgumentException("gpus must be at least 1, got " + gpus);
        }
        if (!(tokensPerSecondPerGpu >= 0) || !(stepTimeSeconds >= 0) || !(peakMemoryGiB >= 0)) {
            throw new IllegalArgumentException("throughput, step time and memory must be non-negative numbers, got "
                    + tokensPerSecondPerGpu + ", " + stepTimeSeconds + ", " + peakMemoryGiB);
        }
    }

    /** A layout that does not fit, found without simulating it. */
    public static Evaluation doesNotFit(Layout layout, int gpus, double peakMemoryGiB, double hbmGiB) {
        return new Evaluation(layout, gpus, false, false, 0, 0, 0, 0, peakMemoryGiB, hbmGiB);
    }

    /** Whether the layout can run: simulated, and it fits in memory. Only feasible layouts are reported as results. */
    public boolean feasible() {
        return simulated && fitsInMemory && tokensPerSecondPerGpu > 0;
    }

    /** Throughput of the whole cluster: {@code tokensPerSecondPerGpu · gpus}. */
    public double totalTokensPerSecond() {
        return tokensPerSecondPerGpu * gpus;
    }

    /**
     * The single-objective fitness the genetic algorithm maximises: throughput per GPU for a feasible layout;
     * for one that does not fit, minus its memory over the HBM (always below every feasible value, and higher
     * the closer the layout comes to fitting, which steers the search towards the feasible region).
     */
    public double fitness() {
        if (feasible()) {
            return tokensPerSecondPerGpu;
        }
        return hbmGiB > 0 ? -peakMemoryGiB / hbmGiB : -1;
    }
}
