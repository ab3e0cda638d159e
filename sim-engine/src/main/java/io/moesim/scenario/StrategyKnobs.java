package io.moesim.scenario;

import io.moesim.cost.CollectiveAlgorithm;
import java.util.Locale;

/**
 * The orthogonal knobs a named MoE system stands for; every one can also be set on its own in a
 * scenario's {@code strategy} object, overriding the preset.
 *
 * @param commSms             SMs the EP communication kernels hold (null: the dispatcher's default, DeepEP's 24)
 * @param a2aAlgorithm        all-to-all algorithm for the NCCL dispatcher: {@code FLAT} or {@code HIERARCHICAL}
 *                            (Tutel's 2DH); {@code AUTO} = flat, as NCCL does
 * @param sharedExpertOverlap run the shared experts' GEMMs while the dispatch and combine are in flight
 *                            (Megatron-Core {@code --moe-shared-expert-overlap})
 * @param tokenRounding       round every expert's token count to a multiple of this (SonicMoE token rounding;
 *                            0 = off)
 * @param padToCapacity       pad every expert to its capacity (GShard / DeepSpeed-MoE; needs a capacity factor,
 *                            1.0 if the scenario gives none)
 * @param pipelineDegree      split dispatch, expert GEMMs and combine into this many overlapping chunks (Tutel
 *                            adaptive pipelining); 1 = off, 0 = choose the best of 1, 2, 4, 8 per layer
 * @param replicateHotExperts replicate this many of the most loaded experts on every EP rank each iteration
 *                            (FasterMoE shadowing); 0 = off, −1 = every expert loaded above twice the mean
 * @param fullyShardedExperts expert parameters, gradients and optimizer states sharded over every expert rank
 *                            (ep·edp) and materialized each step where the load-aware placement puts them
 *                            (Hecate's fully sharded sparse data parallelism)
 * @param rematerializeSlots  with {@code fullyShardedExperts}: extra expert replicas each rank materializes so hot
 *                            experts are spread over several ranks (Hecate's re-materialization); 0 = none
 * @param localTrafficFraction share of the dispatch and combine traffic kept on the rank by locality-aware token
 *                            and expert placement (speculative MoE's token shuffling and expert grouping), 0 to
 *                            below 1
 * @param hostLaunchUs        CPU time the framework's host thread spends per kernel it launches from Python, µs
 *                            ({@link #MEGATRON_CORE_HOST_LAUNCH_US} by default, measured for Megatron-Core;
 *                            {@link #DEEPSEEK_HOST_LAUNCH_US} in the {@code dualpipe} preset, measured in
 *                            DeepSeek-V3's own trace); see {@code docs/training-step.md}
 * @param crossEntropyFusion  how the loss is computed over the logits (Megatron-LM's
 *                            {@code --cross-entropy-loss-fusion} and {@code --cross-entropy-fusion-impl});
 *                            {@link CrossEntropyFusion#NONE}, Megatron-LM's default, when null
 */
public record StrategyKnobs(Integer commSms, CollectiveAlgorithm a2aAlgorithm, boolean sharedExpertOverlap,
                            int tokenRounding, boolean padToCapacity, int pipelineDegree, int replicateHotExperts,
                            boolean fullyShardedExperts, int rematerializeSlots, double localTrafficFraction,
                            double hostLaunchUs, CrossEntropyFusion crossEntropyFusion) {
    /**
     * Host CPU time per Python-launched kernel of Megatron-Core, µs: its own MoE transformer layers (Megatron-LM
     * commit 1e057005, local layers) measured on an x86 host with PyTorch 2.11 eager
     * ({@code tools/hopper-probe/megatron_host.py}; FrameworkHost's Javadoc has the derivation).
     */
    public static final double MEGATRON_CORE_HOST_LAUNCH_US = 58.0;
    /** Host CPU time per Python-launched kernel of DeepSeek-V3's framework, µs (its profile-data training trace). */
    public static final double DEEPSEEK_HOST_LAUNCH_US = 42.0;

    /** Knobs with Megatron-LM's default, unfused cross entropy. */
    public StrategyKnobs(Integer commSms, CollectiveAlgorithm a2aAlgorithm, boolean sharedExpertOverlap,
                         int tokenRounding, boolean padToCapacity, int pipelineDegree, int replicateHotExperts,
                         boolean fullyShardedExperts, int rematerializeSlots, double localTrafficFraction,
                         double hostLaunchUs) {
        this(commSms, a2aAlgorithm, sharedExpertOverlap, tokenRounding, padToCapacity, pipelineDegree,
                replicateHotExperts, fullyShardedExperts, rematerializeSlots, localTrafficFraction, hostLaunchUs,
                CrossEntropyFusion.NONE);
    }

    /** Knobs with Megatron-Core's host cost. */
    public StrategyKnobs(Integer commSms, CollectiveAlgorithm a2aAlgorithm, boolean sharedExpertOverlap,
                         int tokenRounding, boolean padToCapacity, int pipelineDegree, int replicateHotExperts,
                         boolean fullyShardedExperts, int rematerializeSlots, double localTrafficFraction) {
        this(commSms, a2aAlgorithm, sharedExpertOverlap, tokenRounding, padToCapacity, pipelineDegree,
                replicateHotExperts, fullyShardedExperts, rematerializeSlots, localTrafficFraction,
                MEGATRON_CORE_HOST_LAUNCH_US);
    }

    /** Knobs without Hecate's sharding or locality-aware placement. */
    public StrategyKnobs(Integer commSms, CollectiveAlgorithm a2aAlgorithm, boolean sharedExpertOverlap,
                         int tokenRounding, boolean padToCapacity, int pipelineDegree, int replicateHotExperts) {
        this(commSms, a2aAlgorithm, sharedExpertOverlap, tokenRounding, padToCapacity, pipelineDegree,
                replicateHotExperts, false, 0, 0);
    }

    public StrategyKnobs {
        if (rematerializeSlots < 0) {
            throw new IllegalArgumentException("strategy.rematerializeSlots must not be negative, got " + rematerializeSlots);
        }
        if (!(localTrafficFraction >= 0 && localTrafficFraction < 1)) {
            throw new IllegalArgumentException("strategy.localTrafficFraction must be in [0, 1), got " + localTrafficFraction);
        }
        if (!(hostLaunchUs > 0 && hostLaunchUs <= 10_000)) {
            throw new IllegalArgumentException("strategy.hostLaunchUs must be above 0 and at most 10000, got "
                    + hostLaunchUs);
        }
        if (commSms != null && commSms < 1) {
            throw new IllegalArgumentException("strategy.commSms must be positive, got " + commSms);
        }
        if (crossEntropyFusion == null) {
            crossEntropyFusion = CrossEntropyFusion.NONE;
        }
        if (a2aAlgorithm == null) {
            a2aAlgorithm = CollectiveAlgorithm.AUTO;
        } else if (a2aAlgorithm != CollectiveAlgorithm.AUTO && a2aAlgorithm != CollectiveAlgorithm.FLAT
                && a2aAlgorithm != CollectiveAlgorithm.HIERARCHICAL) {
            throw new IllegalArgumentException("strategy.a2aAlgorithm must be flat or hierarchical, got "
                    + a2aAlgorithm.id());
        }
        if (tokenRounding < 0) {
            throw new IllegalArgumentException("strategy.tokenRounding must not be negative, got " + tokenRounding);
        }
        if (pipelineDegree < 0 || pipelineDegree > 64) {
            throw new IllegalArgumentException("strategy.pipelineDegree must be 0 (adaptive) to 64, got " + pipelineDegree);
        }
        if (replicateHotExperts < -1) {
            throw new IllegalArgumentException("strategy.replicateHotExperts must be -1 (dynamic), 0 or more, got "
                    + replicateHotExperts);
        }
    }

    /** No knob set: Megatron-Core's defaults. */
    public static final StrategyKnobs NONE = new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false, 1, 0);

    /**
     * The knobs of a named system ({@link #NONE} for Megatron-Core and DeepEP).
     */
    public static StrategyKnobs preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            // GShard-style capacity with padding, flat all-to-all in training (DeepSpeed-MoE, Rajbhandari 2022)
            case "deepspeed-moe" -> new StrategyKnobs(null, CollectiveAlgorithm.FLAT, false, 0, true, 1, 0);
            // adaptive pipelining degree and 2DH hierarchical all-to-all (Tutel, Hwang 2023)
            case "tutel" -> new StrategyKnobs(null, CollectiveAlgorithm.HIERARCHICAL, false, 0, false, 0, 0);
            // dynamic shadowing of popular experts (FasterMoE, He 2022)
            case "fastermoe" -> new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false, 1, -1);
            // tile-level overlap of communication and expert GEMMs: deep chunking in a training step (Comet, 2025)
            case "comet" -> new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false, 8, 0);
            // co-scheduled intra/inter-node communication with adaptive pipelining (FSMoE, 2025)
            case "fsmoe" -> new StrategyKnobs(null, CollectiveAlgorithm.HIERARCHICAL, true, 0, false, 0, 0);
            // token rounding to GEMM tile multiples (SonicMoE, 2025)
            case "sonicmoe" -> new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 128, false, 1, 0);
            // DualPipe's DeepEP with 20 SMs and shared-expert overlap (DeepSeek-V3 report); the bidirectional
            // schedule itself is chosen by the strategy name in TrainingStepWorkload
            // and DeepSeek's own framework, whose host cost per launch its published trace measures
            case "dualpipe" -> new StrategyKnobs(20, CollectiveAlgorithm.AUTO, true, 0, false, 1, 0, false, 0, 0,
                    DEEPSEEK_HOST_LAUNCH_US);
            // fully sharded sparse data parallelism with load-aware re-materialization (Hecate, Qing et al. 2025);
            // two extra expert slots per rank is moe-sim's assumption (the paper sizes them by memory)
            case "hecate" -> new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false, 1, 0, true, 2, 0);
            // speculative token shuffling and expert grouping keep part of the EP traffic local (speculative MoE);
            // half the traffic is moe-sim's assumption, stated in docs/strategies.md
            case "speculative-moe" -> new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false, 1, 0, false, 0,
                    0.5);
            default -> NONE;
        };
    }

    /** Whether moe-sim models the named system's distinguishing mechanism (false: simulated as Megatron). */
    public static boolean modelled(String name) {
        return true;
    }
}
