package io.moesim.scenario;

import io.moesim.util.Require;

/**
 * How a model is split over GPUs. Data parallelism is derived from the GPU count:
 * {@code dp = gpus / (tp·pp·cp)}. Attention (and dense) layers use the groups TP×CP×DP; MoE layers
 * use ETP×EP×EDP over the same ranks (Megatron-Core's MoE Parallel Folding), so the expert
 * data-parallel size is {@code edp = tp·cp·dp / (etp·ep)}.
 *
 * @param tp        tensor parallel size (with sequence parallelism)
 * @param pp        pipeline parallel size
 * @param vpp       virtual pipeline stages per pipeline rank (interleaved 1F1B; 1 = none)
 * @param cp        context parallel size
 * @param ep        expert parallel size
 * @param etp       expert tensor parallel size
 * @param fsdp      fully sharded data parallelism (parameters, gradients and optimizer state sharded)
 * @param zeroStage ZeRO stage of the data-parallel optimizer: 0 none, 1 distributed optimizer (Megatron's
 *                  default), 2 also gradients, 3 also parameters (implied by {@code fsdp})
 * @implNote immutable and thread-safe.
 */
public record ParallelLayout(int tp, int pp, int vpp, int cp, int ep, int etp, boolean fsdp, int zeroStage) {

    public ParallelLayout {
        Require.positive("parallel.tp", tp);
        Require.positive("parallel.pp", pp);
        Require.positive("parallel.vpp", vpp);
        Require.positive("parallel.cp", cp);
        Require.positive("parallel.ep", ep);
        Require.positive("parallel.etp", etp);
        if (zeroStage < 0 || zeroStage > 3) {
            throw new IllegalArgumentException("parallel.zero must be 0, 1, 2 or 3, got " + zeroStage);
        }
        if (fsdp && zeroStage != 3) {
            throw new IllegalArgumentException("parallel.fsdp shards parameters, so parallel.zero must be 3 (or left out), got "
                    + zeroStage);
        }
    }

    /** A layout with no parallelism at all (one GPU per model replica). */
    public static ParallelLayout none() {
        return new ParallelLayout(1, 1, 1, 1, 1, 1, false, 1);
    }

    /** GPUs holding one model replica's dense part: {@code tp·pp·cp}. */
    public int modelParallelSize() {
        return tp * pp * cp;
    }

    /** Data-parallel size on {@code gpus} GPUs (assumes {@link #modelParallelSize()} divides it). */
    public int dp(int gpus) {
        return gpus / modelParallelSize();
    }

    /** Expert data-parallel size on {@code gpus} GPUs: {@code tp·cp·dp / (etp·ep)}. */
    public int expertDp(int gpus) {
        return tp * cp * dp(gpus) / (etp * ep);
    }

    /** Total pipeline chunks a model is cut into: {@code pp·vpp}. */
    public int virtualStages() {
        return pp * vpp;
    }
}
