package io.moesim.search;

import io.moesim.cost.CostModel;
import io.moesim.scenario.Scenario;
import io.moesim.workload.MemoryEstimate;
import io.moesim.workload.MemoryModel;
import io.moesim.workload.TrainingStepResult;
import io.moesim.workload.TrainingStepWorkload;

/**
 * Evaluates one layout: the fitness function of the search. The production implementation
 * ({@link #of(CostModel, double, double)}) runs {@link TrainingStepWorkload} in-process, exactly as
 * {@code moe-sim simulate} does; tests substitute cheap fakes.
 *
 * <pre>{@code
 * TrainingSimulator sim = TrainingSimulator.of(ProfileCostModel.of(profile), peakTflops, profile.gpu().hbmBytes());
 * Evaluation e = sim.evaluate(layout, layout.applyTo(base));
 * }</pre>
 *
 * @implNote implementations must be thread-safe and deterministic (the same layout gives the same
 * evaluation on every call and thread): the search evaluates in parallel and relies on it for reproducible
 * results.
 */
@FunctionalInterface
public interface TrainingSimulator {

    /**
     * Evaluates {@code layout}, given as {@code scenario} ({@code layout.applyTo(base)}), which passed every
     * layout rule.
     */
    Evaluation evaluate(Layout layout, Scenario scenario);

    /**
     * Simulates with the given cost model. A layout the memory model already finds too large for the HBM (by
     * more than one part in a million, so rounding cannot flip the verdict) is reported infeasible without
     * running the engine; every other layout is simulated and judged by the result's own memory estimate.
     *
     * @param peakTflops the GPU's dense peak for the training precision (for the MFU)
     * @param hbmBytes   the GPU's memory
     */
    static TrainingSimulator of(CostModel cost, double peakTflops, double hbmBytes) {
        if (cost == null) {
            throw new IllegalArgumentException("cost model must not be null");
        }
        if (!(hbmBytes > 0)) {
            throw new IllegalArgumentException("hbmBytes must be positive, got " + hbmBytes);
        }
        double hbmGiB = MemoryEstimate.gib(hbmBytes);
        return (layout, scenario) -> {
            int gpus = scenario.cluster().gpuCount();
            MemoryEstimate estimate = MemoryModel.estimate(scenario, hbmBytes,
                    TrainingStepWorkload.routingImbalance(scenario, cost));
            if (estimate.totalBytes() > hbmBytes * (1 + 1e-6)) {
                return Evaluation.doesNotFit(layout, gpus, estimate.peakGiB(), hbmGiB);
            }
            TrainingStepResult r = TrainingStepWorkload.evaluate(scenario, cost, peakTflops, hbmBytes);
            return new Evaluation(layout, gpus, true, r.memory().fits(), r.stepTimeSeconds(), r.tokensPerSecondPerGpu(),
                    r.modelTflopsPerGpu(), r.mfu(), r.memory().peakGiB(), hbmGiB);
        };
    }
}
