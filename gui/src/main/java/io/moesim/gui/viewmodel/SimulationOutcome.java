package io.moesim.gui.viewmodel;

import io.moesim.engine.SimulationResult;
import io.moesim.scenario.Scenario;
import io.moesim.workload.DispatchResult;
import io.moesim.workload.MemoryEstimate;
import io.moesim.workload.MoeLayerResult;
import io.moesim.workload.TrainingStepResult;
import java.util.List;
import java.util.Locale;

/**
 * One finished simulation as the GUI shows it: the scenario, the workload's result (exactly one of
 * {@code training}, {@code layer}, {@code dispatch} is set), its timeline, and how long it took.
 *
 * @param scenario   the scenario that was simulated
 * @param training   the training step's result, or null
 * @param layer      the MoE layer's result, or null
 * @param dispatch   the dispatch's result, or null
 * @param timeline   the spans arranged for drawing, or null when not kept (sweeps)
 * @param wallMillis wall-clock time the simulation took, ms
 * @implNote immutable and thread-safe.
 */
public record SimulationOutcome(Scenario scenario, TrainingStepResult training, MoeLayerResult layer,
                                DispatchResult dispatch, TimelineData timeline, double wallMillis) {
    /** One labelled figure of a chart. */
    public record Item(String label, double value) {
    }

    /**
     * One expert-parallel rank's routed tokens over the mean of its group.
     *
     * @param rank the rank in the expert-parallel group, from 0
     * @param mean the ratio averaged over the MoE layers
     * @param max  the largest ratio in any MoE layer
     */
    public record RankLoad(int rank, double mean, double max) {
    }

    static SimulationOutcome of(Scenario s, TrainingStepResult r, boolean keepTimeline) {
        return new SimulationOutcome(s, r, null, null, keepTimeline ? TimelineData.of(r.simulation()) : null, 0);
    }

    static SimulationOutcome of(Scenario s, MoeLayerResult r, boolean keepTimeline) {
        return new SimulationOutcome(s, null, r, null, keepTimeline ? TimelineData.of(r.simulation()) : null, 0);
    }

    static SimulationOutcome of(Scenario s, DispatchResult r, boolean keepTimeline) {
        return new SimulationOutcome(s, null, null, r, keepTimeline ? TimelineData.of(r.simulation()) : null, 0);
    }

    SimulationOutcome withWallMillis(double ms) {
        return new SimulationOutcome(scenario, training, layer, dispatch, timeline, ms);
    }

    /** The engine run behind the result. */
    public SimulationResult simulation() {
        return training != null ? training.simulation() : layer != null ? layer.simulation() : dispatch.simulation();
    }

    /** The result in one line, like {@code moe-sim simulate} prints it. */
    public String headline() {
        if (training != null) {
            TrainingStepResult r = training;
            return String.format(Locale.ROOT, "step %.2f s · %.0f tokens/s/GPU · %.1f model TFLOPS/GPU (MFU %.1f%%) · "
                            + "%.1f GiB/GPU %s · %d micro-batches · load imbalance %.2f", r.stepTimeSeconds(),
                    r.tokensPerSecondPerGpu(), r.modelTflopsPerGpu(), r.mfu() * 100, r.memory().peakGiB(),
                    r.memory().fits() ? "fits" : "DOES NOT FIT", r.microBatches(), r.loadImbalance())
                    + (scenario.moe() != null && scenario.moe().capacityFactor() != null
                    ? String.format(Locale.ROOT, " · %.2f%% of routed tokens dropped", r.droppedTokenFraction() * 100) : "");
        }
        if (layer != null) {
            return String.format(Locale.ROOT, "MoE layer forward %.3f ms · compute %.3f ms · exposed communication %.3f ms",
                    layer.layerTimeMs(), layer.computeMs(), layer.exposedCommMs());
        }
        return String.format(Locale.ROOT, "dispatch %.1f us (%.1f GB/s) · combine %.1f us (%.1f GB/s) · bottleneck %s",
                dispatch.dispatchTimeUs(), dispatch.dispatchGBps(), dispatch.combineTimeUs(), dispatch.combineGBps(),
                dispatch.bottleneck());
    }

    /** Unit of {@link #breakdown()}'s values. */
    public String breakdownUnit() {
        return training != null ? "s" : layer != null ? "ms" : "us";
    }

    /**
     * Where the time went. A training step: compute, exposed communication, host-bound idle and
     * pipeline bubble of the busiest stage (they add up to the step time). A MoE layer: compute and
     * exposed communication. A dispatch: the dispatch and combine kernels.
     */
    public List<Item> breakdown() {
        if (training != null) {
            return List.of(new Item("compute", training.computeSeconds()),
                    new Item("exposed comm.", training.exposedCommSeconds()),
                    new Item("host-bound", training.hostBoundSeconds()),
                    new Item("bubble", training.pipelineBubbleSeconds()));
        }
        if (layer != null) {
            return List.of(new Item("compute", layer.computeMs()), new Item("exposed comm.", layer.exposedCommMs()));
        }
        return List.of(new Item("dispatch", dispatch.dispatchTimeUs()), new Item("combine", dispatch.combineTimeUs()));
    }

    /** Per-GPU memory in GiB by part (empty unless a training step). */
    public List<Item> memoryGiB() {
        if (training == null) {
            return List.of();
        }
        MemoryEstimate m = training.memory();
        return List.of(new Item("weights", MemoryEstimate.gib(m.weights())),
                new Item("gradients", MemoryEstimate.gib(m.gradients())),
                new Item("optimizer", MemoryEstimate.gib(m.optimizer())),
                new Item("activations", MemoryEstimate.gib(m.activations())),
                new Item("logits", MemoryEstimate.gib(m.logits())),
                new Item("comm buffers", MemoryEstimate.gib(m.commBuffers())),
                new Item("allowance", MemoryEstimate.gib(m.allowance())));
    }

    /** The GPU's HBM in GiB (NaN unless a training step). */
    public double hbmGiB() {
        return training == null ? Double.NaN : MemoryEstimate.gib(training.memory().hbmBytes());
    }

    /**
     * Each expert-parallel rank's load, in rank order ({@link TrainingStepResult#loadPerEpRank()} and
     * {@link TrainingStepResult#maxLoadPerEpRank()}); empty for a dense model and unless a training step.
     */
    public List<RankLoad> epRankLoads() {
        if (training == null) {
            return List.of();
        }
        double[] mean = training.loadPerEpRank();
        double[] max = training.maxLoadPerEpRank();
        List<RankLoad> loads = new java.util.ArrayList<>(mean.length);
        for (int i = 0; i < mean.length; i++) {
            loads.add(new RankLoad(i, mean[i], max[i]));
        }
        return List.copyOf(loads);
    }

    /** The pipeline rank the memory figures are for (-1 unless a training step). */
    public int memoryPipelineRank() {
        return training == null ? -1 : training.memory().pipelineRank();
    }
}
