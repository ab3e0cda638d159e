package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.engine.SimulationListener;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.scenario.BatchSpec;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.CrossEntropyFusion;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.RoutingSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategyKnobs;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import org.junit.jupiter.api.Test;

/** Each knob's mechanism, pinned with the hand-checkable fake cost model. */
class StrategyKnobsTest {
    private static final ModelSpec QWEN30 = ModelCatalog.builtIn().require("qwen3-30b-a3b");
    private static final ParallelLayout EP16 = new ParallelLayout(1, 1, 1, 1, 16, 1, false, 1);

    private static TrainingStepResult run(ModelSpec model, RoutingSpec routing, Double capacity, Dispatcher dispatcher,
                                          StrategySpec strategy) {
        Scenario s = new Scenario("k", Workload.TRAINING_STEP, model, ClusterSpec.of("fake", 2, 8), EP16,
                new BatchSpec(4096, 32, 1), Precision.BF16, Recompute.NONE, new MoeConfig(dispatcher, routing, capacity),
                strategy, null, null);
        return TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE);
    }

    private static StrategySpec knobs(String name, StrategyKnobs k) {
        return new StrategySpec(name, false, k);
    }

    private static final RoutingSpec ZIPF = new RoutingSpec(RoutingKind.ZIPF, 1.2, null, 5);
    private static final RoutingSpec UNIFORM = new RoutingSpec(RoutingKind.UNIFORM, 0, null, 5);

    @Test
    void pipeliningHidesPartOfTheExchange() {
        TrainingStepResult plain = run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL, StrategySpec.defaults());
        TrainingStepResult d4 = run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL,
                knobs("megatron", new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false, 4, 0)));
        TrainingStepResult adaptive = run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL,
                new StrategySpec("tutel", false));
        assertThat(d4.exposedCommSeconds()).isLessThan(plain.exposedCommSeconds());
        assertThat(d4.stepTimeSeconds()).isLessThan(plain.stepTimeSeconds());
        // Adaptive picks the best degree per layer, so it is never worse than a fixed one.
        assertThat(adaptive.stepTimeSeconds()).isLessThanOrEqualTo(Math.min(plain.stepTimeSeconds(), d4.stepTimeSeconds()) + 1e-9);
    }

    @Test
    void paddingToCapacityComputesFullCapacityRows() {
        TrainingStepResult dropping = run(QWEN30, UNIFORM, 1.25, Dispatcher.ALLTOALL, StrategySpec.defaults());
        TrainingStepResult padded = run(QWEN30, UNIFORM, 1.25, Dispatcher.ALLTOALL, new StrategySpec("deepspeed-moe", false));
        // Every expert computes ceil(1.25 x its even share): the busiest rank's load is 1.25x the mean.
        assertThat(padded.loadImbalance()).isCloseTo(1.25, org.assertj.core.data.Offset.offset(0.01));
        assertThat(padded.stepTimeSeconds()).isGreaterThan(dropping.stepTimeSeconds());
    }

    @Test
    void shadowingRemovesStragglersUnderSkew() {
        TrainingStepResult plain = run(QWEN30, ZIPF, null, Dispatcher.ALLTOALL, StrategySpec.defaults());
        TrainingStepResult shadow = run(QWEN30, ZIPF, null, Dispatcher.ALLTOALL, new StrategySpec("fastermoe", false));
        assertThat(shadow.loadImbalance()).isLessThan(plain.loadImbalance());
        assertThat(shadow.stepTimeSeconds()).isLessThan(plain.stepTimeSeconds());
        // Balanced routing has no hot expert: dynamic shadowing changes nothing.
        assertThat(run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL, new StrategySpec("fastermoe", false))
                .stepTimeSeconds()).isEqualTo(run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL,
                StrategySpec.defaults()).stepTimeSeconds());
    }

    @Test
    void sharedExpertOverlapHidesExchangeBehindTheSharedExperts() {
        ModelSpec lite = ModelCatalog.builtIn().require("deepseek-v2-lite");
        TrainingStepResult plain = run(lite, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL, StrategySpec.defaults());
        TrainingStepResult overlap = run(lite, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL,
                knobs("megatron", new StrategyKnobs(null, CollectiveAlgorithm.AUTO, true, 0, false, 1, 0)));
        assertThat(overlap.stepTimeSeconds()).isLessThan(plain.stepTimeSeconds());
        // Same compute work; only its SM-contention stretch may differ (the gradient reduce-scatters of the last
        // micro-batch hold NCCL's SMs while they overlap compute, and the overlap moves them in time).
        assertThat(overlap.computeSeconds()).isCloseTo(plain.computeSeconds(), withinPercentage(0.5));
    }

    @Test
    void fewerCommunicationSmsSlowAnSmBoundDeepEpExchange() {
        TrainingStepResult sms24 = run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.DEEPEP, StrategySpec.defaults());
        TrainingStepResult sms8 = run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.DEEPEP,
                knobs("megatron", new StrategyKnobs(8, CollectiveAlgorithm.AUTO, false, 0, false, 1, 0)));
        assertThat(sms8.stepTimeSeconds()).isGreaterThan(sms24.stepTimeSeconds());
    }

    @Test
    void tokenRoundingMakesExpertCountsTileMultiples() {
        TrainingStepResult plain = run(QWEN30, UNIFORM, null, Dispatcher.ALLTOALL, StrategySpec.defaults());
        TrainingStepResult rounded = run(QWEN30, UNIFORM, null, Dispatcher.ALLTOALL, new StrategySpec("sonicmoe", false));
        // With the fake (linear) cost model only the token count changes: rounding moves each expert by < 64 rows.
        double relative = Math.abs(rounded.stepTimeSeconds() - plain.stepTimeSeconds()) / plain.stepTimeSeconds();
        assertThat(relative).isLessThan(0.05);
        assertThat(StrategyKnobs.preset("sonicmoe").tokenRounding()).isEqualTo(128);
    }

    @Test
    void presetsAndOverridesAreExplicit() {
        assertThat(StrategyKnobs.preset("megatron")).isEqualTo(StrategyKnobs.NONE);
        assertThat(StrategyKnobs.preset("tutel").a2aAlgorithm()).isEqualTo(CollectiveAlgorithm.HIERARCHICAL);
        assertThat(StrategyKnobs.preset("dualpipe").commSms()).isEqualTo(20);
        assertThat(StrategyKnobs.modelled("hecate")).isTrue();
        assertThat(StrategyKnobs.preset("hecate").fullyShardedExperts()).isTrue();
        assertThat(StrategyKnobs.preset("hecate").rematerializeSlots()).isEqualTo(2);
        assertThat(StrategyKnobs.preset("speculative-moe").localTrafficFraction()).isEqualTo(0.5);
        assertThatThrownBy(() -> new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false, 1, 0, false, 0, 1.0))
                .hasMessageContaining("localTrafficFraction must be in [0, 1)");
        assertThat(new StrategySpec("comet", false).knobs().pipelineDegree()).isEqualTo(8);
        assertThat(StrategyKnobs.NONE.hostLaunchUs()).isEqualTo(StrategyKnobs.MEGATRON_CORE_HOST_LAUNCH_US).isEqualTo(58.0);
        assertThat(StrategyKnobs.preset("tutel").hostLaunchUs()).isEqualTo(58.0);
        assertThat(StrategyKnobs.preset("dualpipe").hostLaunchUs()).isEqualTo(StrategyKnobs.DEEPSEEK_HOST_LAUNCH_US)
                .isEqualTo(42.0);
        assertThatThrownBy(() -> new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false, 1, 0, false, 0, 0, 0))
                .hasMessageContaining("strategy.hostLaunchUs must be above 0");
    }

    @Test
    void hostLaunchCostScalesTheHostThreadAndCanMakeAStepHostBound() {
        java.util.function.DoubleFunction<TrainingStepResult> at = us -> run(QWEN30, RoutingSpec.balanced(), null,
                Dispatcher.ALLTOALL, knobs("megatron", new StrategyKnobs(null, CollectiveAlgorithm.AUTO, false, 0, false,
                        1, 0, false, 0, 0, us)));
        TrainingStepResult cheap = at.apply(1);
        TrainingStepResult megatron = at.apply(StrategyKnobs.MEGATRON_CORE_HOST_LAUNCH_US);
        TrainingStepResult slow = at.apply(5_000);
        // The GPU work is the same (its busy time moves only with how compute and communication kernels happen to
        // overlap and share SMs); how long the GPU waits for launches grows with the launch cost.
        assertThat(slow.computeSeconds()).isCloseTo(cheap.computeSeconds(), withinPercentage(2));
        assertThat(megatron.computeSeconds()).isCloseTo(cheap.computeSeconds(), withinPercentage(2));
        assertThat(megatron.hostBoundSeconds()).isGreaterThanOrEqualTo(cheap.hostBoundSeconds());
        assertThat(slow.hostBoundSeconds()).isGreaterThan(megatron.hostBoundSeconds());
        assertThat(slow.stepTimeSeconds()).isGreaterThan(megatron.stepTimeSeconds());
        assertThat(megatron.stepTimeSeconds()).isGreaterThanOrEqualTo(cheap.stepTimeSeconds());
    }

    @Test
    void frameworkHostChargesItsLaunchCostPerPythonLaunchedKernel() {
        FrameworkHost host = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.NONE, Dispatcher.ALLTOALL);
        assertThat(host.forwardNs("router")).isEqualTo(2 * 50_000);                 // GEMM and fp32 cast
        assertThat(host.forwardNs("topk")).isEqualTo(12 * 50_000);
        // one Python launch plus one C++-looped GEMM per local expert
        assertThat(host.forwardNs("expert-fc1")).isEqualTo(50_000 + 8 * 7_000);
        // the loss: Megatron's unfused cross entropy and its wrapper (22 + 14 kernels), the last 8 after the NaN check
        assertThat(host.forwardNs("loss")).isEqualTo((22 + 14 - 8) * 50_000);
        assertThat(host.forwardNs("loss-check")).isEqualTo(8 * 50_000);
        assertThat(host.syncsBefore("loss-check")).isTrue();
        assertThat(host.lossBackwardNs()).isEqualTo((8 + 5) * 50_000);
        assertThat(host.lossBackwardSyncs()).isFalse();
        FrameworkHost te = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.TE, Dispatcher.ALLTOALL);
        assertThat(te.forwardNs("loss")).isEqualTo((6 + 14 - 8) * 50_000);
        assertThat(te.lossBackwardSyncs()).isTrue();                                   // torch.equal(grad, 1.0)
        FrameworkHost off = new FrameworkHost(QWEN30, 8, false, 50_000, CrossEntropyFusion.TE, Dispatcher.ALLTOALL);
        assertThat(off.forwardNs("router")).isZero();
        assertThat(off.lossBackwardNs()).isZero();
        assertThat(off.lossBackwardSyncs()).isFalse();
        assertThat(off.syncsBefore("loss-check")).isFalse();
        assertThatThrownBy(() -> new FrameworkHost(QWEN30, 8, true, 0, CrossEntropyFusion.NONE, Dispatcher.ALLTOALL))
                .hasMessageContaining("must be positive");
    }

    @Test
    void megatronDdpHooksAreCountedPerModuleCallAndPerParameter() {
        FrameworkHost ddp = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.NONE, Dispatcher.ALLTOALL,
                true, true);
        // the layer, the identity input norm, self-attention and the fused norm + QKV linear (two weights)
        assertThat(ddp.preHookNs("attn-norm")).isEqualTo(4 * 1_900 + 2 * 410);
        // the expert MLP and its grouped linear, one weight per local expert
        assertThat(ddp.preHookNs("expert-fc1")).isEqualTo(2 * 1_900 + 8 * 410);
        assertThat(ddp.gradHookNs("expert-fc2")).isEqualTo(8 * 5_100);
        // the QKV weight (accumulated by its GEMM) and the fused norm's weight, which the hook adds with an eager add_
        assertThat(ddp.gradHookNs("qkv-proj")).isEqualTo(2 * 5_100 + 10_000);
        assertThat(ddp.gradHookNs("flash-attn")).isEqualTo(2 * 5_100 + 2 * 10_000);   // the two QK norms
        assertThat(ddp.preHookNs("topk")).isZero();
        assertThat(ddp.gradHookNs("ep-dispatch")).isZero();
        // launches are unchanged: the hooks are separate host work
        assertThat(ddp.forwardNs("expert-fc1")).isEqualTo(50_000 + 8 * 7_000);
        // DeepSeek-V3's MLA: the input norm is a module of its own; four projections, two with fused norms
        FrameworkHost mla = new FrameworkHost(ModelCatalog.builtIn().require("deepseek-v3"), 16, true, 50_000,
                CrossEntropyFusion.NONE, Dispatcher.DEEPEP, true, true);
        assertThat(mla.preHookNs("qkv-proj")).isEqualTo(4 * 1_900 + 6 * 410);
        assertThat(mla.gradHookNs("attn-norm")).isEqualTo(5_100 + 10_000);
        // ZeRO-0: no parameter all-gather to wait for, so no pre-hooks; FSDP or DualPipe: no Megatron DDP hooks
        FrameworkHost zero0 = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.NONE, Dispatcher.ALLTOALL,
                true, false);
        assertThat(zero0.preHookNs("attn-norm")).isZero();
        assertThat(zero0.gradHookNs("qkv-proj")).isEqualTo(2 * 5_100 + 10_000);
        FrameworkHost none = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.NONE, Dispatcher.ALLTOALL);
        assertThat(none.preHookNs("attn-norm")).isZero();
        assertThat(none.gradHookNs("qkv-proj")).isZero();
        FrameworkHost off = new FrameworkHost(QWEN30, 8, false, 50_000, CrossEntropyFusion.NONE, Dispatcher.ALLTOALL,
                true, true);
        assertThat(off.preHookNs("attn-norm")).isZero();
        assertThat(off.gradHookNs("qkv-proj")).isZero();
    }

    @Test
    void megatronsRouterIsCountedFromItsCode() {
        // Megatron-LM 1e057005, aux-loss balancing, forced balance, TP2: gating 3 (two FP32 casts, the GEMM); top-k
        // 12 + auxiliary loss 8 + its all-reduce 1 + RandomSTE 2; backward 2 + 2 for the gating GEMM, 11 for the rest
        RouterKernels forced = RouterKernels.megatron(true, 2);
        assertThat(forced).isEqualTo(new RouterKernels(3, 23, 2, 2, 11));
        assertThat(RouterKernels.megatron(false, 1)).isEqualTo(new RouterKernels(3, 20, 2, 2, 11));
        FrameworkHost host = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.NONE, Dispatcher.ALLTOALL,
                true, true, forced, true);
        assertThat(host.forwardNs("router")).isEqualTo(3 * 50_000);
        assertThat(host.forwardNs("topk")).isEqualTo(23 * 50_000);
        assertThat(host.backwardLaunchNs("topk", 23 * 50_000)).isEqualTo(11 * 50_000);
        assertThat(host.backwardKernels("topk", 23)).isEqualTo(11);
        assertThat(host.dgradLaunchNs("router", 3 * 50_000)).isEqualTo(2 * 50_000);
        assertThat(host.gradientKernels("router", 3, true)).isEqualTo(2);
        // every other op keeps the rule: backward 1.5x a non-GEMM op's launches, a GEMM's gradients its forward's
        assertThat(host.backwardLaunchNs("moe-norm", 50_000)).isEqualTo(75_000);
        assertThat(host.backwardKernels("moe-norm", 2)).isEqualTo(3);
        assertThat(host.wgradLaunchNs("out-proj", 50_000)).isEqualTo(50_000);
        // the earlier generic assumption, kept for DeepSeek's framework
        FrameworkHost generic = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.NONE, Dispatcher.ALLTOALL);
        assertThat(generic.forwardNs("topk")).isEqualTo(12 * 50_000);
        assertThat(generic.backwardLaunchNs("topk", 12 * 50_000)).isEqualTo(18 * 50_000);
        assertThatThrownBy(() -> new RouterKernels(3, -1, 2, 2, 11)).hasMessageContaining("negative");
        // no multihot conversion outside Megatron's DeepEP path
        assertThat(host.forwardNs(TrainingStepWorkload.EP_MULTIHOT)).isZero();
        assertThat(host.forwardNs("ep-dispatch")).isEqualTo(4 * 50_000);
    }

    @Test
    void megatronsDeepEpPathConvertsTheReceivedIndicesWithSmallKernelsAndThreeWaits() {
        FrameworkHost megatron = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.NONE, Dispatcher.DEEPEP,
                true, true, RouterKernels.megatron(true, 2), true);
        // before the dispatch: the routing map's top-k (gather, sort), then layout, notify and the exchange
        assertThat(megatron.forwardNs("ep-dispatch")).isEqualTo(5 * 50_000);
        // after it: _indices_to_multihot, 12 ATen operations = 18 kernels, waiting for the GPU first
        assertThat(megatron.forwardNs(TrainingStepWorkload.EP_MULTIHOT)).isEqualTo(18 * 50_000);
        assertThat(megatron.syncsBefore(TrainingStepWorkload.EP_MULTIHOT)).isTrue();
        assertThat(megatron.backwardLaunchNs(TrainingStepWorkload.EP_MULTIHOT, 18 * 50_000)).isEqualTo(5 * 50_000);
        assertThat(megatron.backwardKernels(TrainingStepWorkload.EP_MULTIHOT, 18)).isEqualTo(5);
        // DeepSeek's framework drives DeepEP itself
        FrameworkHost deepseek = new FrameworkHost(QWEN30, 8, true, 50_000, CrossEntropyFusion.NONE, Dispatcher.DEEPEP,
                false, false, RouterKernels.generic(), false);
        assertThat(deepseek.forwardNs("ep-dispatch")).isEqualTo(3 * 50_000);
        assertThat(deepseek.forwardNs(TrainingStepWorkload.EP_MULTIHOT)).isZero();
        assertThat(deepseek.syncsBefore(TrainingStepWorkload.EP_MULTIHOT)).isFalse();
    }

    @Test
    void fullyShardedExpertsBalanceSkewedLoadsAndCostMaterializationWhenBalanced() {
        TrainingStepResult plain = run(QWEN30, ZIPF, null, Dispatcher.ALLTOALL, StrategySpec.defaults());
        TrainingStepResult hecate = run(QWEN30, ZIPF, null, Dispatcher.ALLTOALL, new StrategySpec("hecate", false));
        assertThat(plain.loadImbalance()).isGreaterThan(2);
        assertThat(hecate.loadImbalance()).isLessThan(1.3);
        assertThat(hecate.stepTimeSeconds()).isLessThan(plain.stepTimeSeconds() / 1.5);
        // Balanced routing: nothing to rebalance, and the experts still have to be gathered and reduced.
        TrainingStepResult balancedPlain = run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL,
                StrategySpec.defaults());
        TrainingStepResult balancedHecate = run(QWEN30, RoutingSpec.balanced(), null, Dispatcher.ALLTOALL,
                new StrategySpec("hecate", false));
        assertThat(balancedHecate.loadImbalance()).isLessThan(1.0 + 1e-9);
        assertThat(balancedHecate.stepTimeSeconds()).isGreaterThanOrEqualTo(balancedPlain.stepTimeSeconds());
        long gathers = balancedHecate.simulation().spans().stream().filter(sp -> sp.name().equals("sparse-allgather"))
                .count();
        assertThat(gathers).isEqualTo(1);
    }

    @Test
    void hecatePlacementSpreadsTheHotExpertOverEveryRankByHand() {
        // 8 experts on 4 ranks (2 local + 1 extra slot each): the 4 extra replicas go to expert 0 (8 tokens ->
        // 4 replicas of 2, the cap of one per rank), then none is left for expert 7. Every rank ends with 4
        // tokens: one replica of expert 0 (2) and two single-token experts.
        double[] counts = {8, 1, 1, 1, 1, 1, 1, 2};
        ExpertLoads.Placement spread = ExpertLoads.shardedPlacement(counts, 4, 2, 1, 1);
        assertThat(spread.busiestRows()).containsExactly(2, 1, 1);
        assertThat(spread.rankTokens()).containsExactly(4, 4, 4, 4);
        // Without extra slots the hot expert stays on one rank: the busiest rank carries it plus a 1. The others
        // fill least-loaded first: experts 7 (2), 1, 2 on ranks 1-3, then 3 and 4 on ranks 2 and 3, 5 on rank 1,
        // and 6 on the only rank with a free slot, rank 0.
        ExpertLoads.Placement stuck = ExpertLoads.shardedPlacement(counts, 4, 2, 0, 1);
        assertThat(stuck.busiestRows()).containsExactly(8, 1);
        assertThat(stuck.rankTokens()).containsExactly(9, 3, 2, 2);
    }

    @Test
    void staticPlacementCountsEachRanksTokensByHand() {
        // 4 experts on 2 ranks: rank 0 holds experts 0 and 1 (4 + 2 tokens), rank 1 experts 2 and 3 (1 + 1).
        double[] counts = {4, 2, 1, 1};
        ExpertLoads.Placement plain = ExpertLoads.staticPlacement(counts, new boolean[4], 2, 2, 1);
        assertThat(plain.rankTokens()).containsExactly(6, 2);
        assertThat(plain.busiestRows()).containsExactly(4, 2);
        // Replicating expert 0 splits its 4 tokens over both ranks; with expert-tensor parallelism 2 every
        // rank computes each of its rows twice over (half the FFN each), so the rows double.
        ExpertLoads.Placement shadowed = ExpertLoads.staticPlacement(counts, new boolean[]{true, false, false, false}, 2, 2, 2);
        assertThat(shadowed.rankTokens()).containsExactly(4, 4);
        assertThat(shadowed.busiestRows()).containsExactly(0, 4, 4);
    }

    @Test
    void locallyPlacedTrafficShrinksTheExchange() {
        TrainingStepResult plain = run(QWEN30, UNIFORM, null, Dispatcher.ALLTOALL, StrategySpec.defaults());
        TrainingStepResult spec = run(QWEN30, UNIFORM, null, Dispatcher.ALLTOALL, new StrategySpec("speculative-moe", false));
        assertThat(spec.exposedCommSeconds()).isLessThan(0.7 * plain.exposedCommSeconds());
        assertThat(spec.computeSeconds()).isCloseTo(plain.computeSeconds(), withinPercentage(0.5));
    }
}
