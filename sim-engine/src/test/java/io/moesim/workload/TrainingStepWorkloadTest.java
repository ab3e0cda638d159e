package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moesim.accounting.MegatronFlops;
import io.moesim.engine.Category;
import io.moesim.engine.SimulationListener;
import io.moesim.engine.SimulationResult;
import io.moesim.engine.Span;
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
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.RoutingSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingStepWorkloadTest {
    private static final ModelSpec QWEN30 = ModelCatalog.builtIn().require("qwen3-30b-a3b");

    private static Scenario scenario(ParallelLayout p, RoutingSpec routing, Recompute rc, int globalBatch) {
        return new Scenario("t", Workload.TRAINING_STEP, QWEN30, ClusterSpec.of("fake", 4, 8), p,
                new BatchSpec(4096, globalBatch, 1), Precision.BF16, rc,
                new MoeConfig(Dispatcher.ALLTOALL, routing, null), StrategySpec.defaults(), null, null);
    }

    private static ParallelLayout layout(int tp, int pp, int vpp, int ep) {
        return new ParallelLayout(tp, pp, vpp, 1, ep, 1, false, 1);
    }

    private static TrainingStepResult run(Scenario s) {
        return TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE);
    }

    @Test
    void expertGemmsRunFourAtATimeAsTransformerEnginesSideStreams() {
        List<String> calls = new java.util.ArrayList<>();
        io.moesim.cost.GemmCostModel gemm = new io.moesim.cost.GemmCostModel() {
            @Override
            public long timeNs(long m, long n, long k, io.moesim.scenario.DataType dtype, int sms) {
                throw new AssertionError("not used");
            }

            @Override
            public long groupedTimeNs(long[] groupRows, long n, long k, io.moesim.scenario.DataType dtype, int sms) {
                calls.add(java.util.Arrays.toString(groupRows));
                return 1000L * groupRows.length + java.util.Arrays.stream(groupRows).sum();
            }
        };
        long t = TrainingStepWorkload.teGroupedGemmNs(gemm, new long[]{5, 6, 7, 8, 0, 0, 0, 0, 9, 10}, 64, 64,
                io.moesim.scenario.DataType.BF16, 132);
        // experts 0-3 together, 4-7 have no rows (no kernel time), 8-9 together
        assertThat(calls).containsExactly("[5, 6, 7, 8]", "[9, 10]");
        assertThat(t).isEqualTo(4026 + 2019);
    }

    @Test
    void recomputeModulesDecideWhatTheBackwardRunsAgain() {
        ParallelLayout p = layout(2, 4, 1, 8);
        Scenario base = scenario(p, RoutingSpec.balanced(), Recompute.SELECTIVE, 64);
        assertThat(base.recomputeModules()).isEqualTo(RecomputeModule.SELECTIVE_DEFAULT);
        TrainingStepResult none = run(scenario(p, RoutingSpec.balanced(), Recompute.NONE, 64));
        TrainingStepResult defaults = run(base);
        TrainingStepResult moe = run(base.withRecompute(Recompute.SELECTIVE, Set.of(RecomputeModule.MOE)));
        TrainingStepResult attn = run(base.withRecompute(Recompute.SELECTIVE, Set.of(RecomputeModule.CORE_ATTN)));
        TrainingStepResult full = run(base.withRecompute(Recompute.FULL, null));
        // Norms and the expert activation are memory-bound: no FLOPs again, but time.
        assertThat(flops(defaults)).isEqualTo(flops(none));
        assertThat(defaults.stepTimeSeconds()).isGreaterThan(none.stepTimeSeconds());
        // The whole MoE block runs again, its dispatch and combine included (communication spans of their own).
        assertThat(commSpans(moe, "recompute-ep-dispatch")).isPositive();
        assertThat(commSpans(moe, "recompute-ep-combine")).isEqualTo(commSpans(moe, "recompute-ep-dispatch"));
        assertThat(commSpans(defaults, "recompute-ep-dispatch")).isZero();
        assertThat(commSpans(attn, "recompute-ep-dispatch")).isZero();
        // Recomputed GEMM and attention FLOPs: the MoE block's and core attention's are each part of a full
        // recompute's, which also re-runs the attention projections.
        double moeExtra = flops(moe) - flops(none);
        double attnExtra = flops(attn) - flops(none);
        assertThat(moeExtra).isPositive();
        assertThat(attnExtra).isPositive();
        assertThat(moeExtra + attnExtra).isLessThan(flops(full) - flops(none));
        assertThat(moe.stepTimeSeconds()).isGreaterThan(defaults.stepTimeSeconds());
        assertThat(moe.memory().activations()).isLessThan(defaults.memory().activations());
        assertThat(full.memory().activations()).isLessThan(moe.memory().activations());
    }

    private static long commSpans(TrainingStepResult r, String name) {
        return r.simulation().spans().stream().filter(sp -> sp.name().endsWith(name)).count();
    }

    private static double flops(TrainingStepResult r) {
        return r.simulation().spans().stream().mapToDouble(Span::flops).sum();
    }

    @Test
    void gemmFlopsOfOnePipelineTimesReplicasMatchMegatronsCount() {
        Scenario s = scenario(layout(2, 4, 1, 8), RoutingSpec.balanced(), Recompute.NONE, 64);
        TrainingStepResult r = run(s);
        double flops = 0;
        for (Span span : r.simulation().spans()) {
            flops += span.flops();
        }
        // One GPU per stage simulated; the other tp·dp = 8 GPUs of each stage do the same work.
        double total = flops * 8;
        double megatron = MegatronFlops.perToken(QWEN30, 4096, 2).trainingFlops() * s.batch().tokensPerStep();
        assertThat(total / megatron).isBetween(0.97, 1.05);
    }

    @Test
    void deepSeekWithMlaAndMtpAlsoMatchesMegatronsCount() {
        ModelSpec ds = ModelCatalog.builtIn().require("deepseek-v3");
        Scenario s = new Scenario("ds", Workload.TRAINING_STEP, ds, ClusterSpec.of("fake", 2, 8),
                new ParallelLayout(1, 2, 1, 1, 8, 1, false, 1), new BatchSpec(4096, 16, 1), Precision.BF16,
                Recompute.NONE, new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), null), StrategySpec.defaults(),
                null, null);
        TrainingStepResult r = run(s);
        double flops = 0;
        for (Span span : r.simulation().spans()) {
            flops += span.flops();
        }
        double total = flops * 8;   // 16 GPUs, 2 stages: 8 replicas of the simulated pipeline
        double megatron = MegatronFlops.perToken(ds, 4096, 1).trainingFlops() * s.batch().tokensPerStep();
        assertThat(total / megatron).isBetween(0.97, 1.05);
        // The MTP module computes its own cross entropy over the 129,280-entry vocabulary (a multiple of 128, so
        // unpadded at TP 1), like the main loss: with Transformer Engine's instead of Megatron's unfused one the
        // last stage saves (38 - 6) B forward and (14 - 4) B backward per logits element at FakeCostModel's
        // 2000 B/ns, twice per micro-batch (main and MTP loss), for its 2 micro-batches (dp 8, global batch 16).
        long n = 4096L * 129_280;
        TrainingStepResult none = TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE,
                false);
        TrainingStepResult te = TrainingStepWorkload.run(withCrossEntropy(s, CrossEntropyFusion.TE), new FakeCostModel(),
                989.4, 80e9, SimulationListener.NONE, false);
        long perLoss = (38 * n / 2000 - 6 * n / 2000) + (14 * n / 2000 - 4 * n / 2000);
        // (up to a nanosecond of rounding per merged compute task)
        assertThat(none.simulation().computeBusyNs(1) - te.simulation().computeBusyNs(1))
                .isBetween(2 * 2 * perLoss - 4, 2 * 2 * perLoss + 4);
        assertThat(none.simulation().computeBusyNs(0)).isEqualTo(te.simulation().computeBusyNs(0));
        // only the main loss is checked for NaN (loss_func); the MTP loss joins through autograd
        assertThat(r.simulation().spans()).noneMatch(sp -> sp.name().contains("mtp-loss-check"));
    }

    @Test
    void oneFOneBBubbleIsPpMinusOneTimesForwardPlusBackward() {
        // Dense Llama-3-8B, no TP/EP communication (tp 1, one GPU per stage): the classic 1F1B bubble is
        // (pp - 1)(F + B) for per-stage forward F and backward B of one micro-batch (Narayanan et al. 2021).
        ModelSpec llama = ModelCatalog.builtIn().require("llama3-8b");
        int pp = 4;
        int m = 16;
        Scenario s = new Scenario("1f1b", Workload.TRAINING_STEP, llama, ClusterSpec.of("fake", 1, 4),
                new ParallelLayout(1, pp, 1, 1, 1, 1, false, 1), new BatchSpec(2048, m, 1), Precision.BF16,
                Recompute.NONE, MoeConfig.defaults(), StrategySpec.defaults(), null, null);
        TrainingStepResult r = run(s);
        // The busiest stage (the last: it also computes the logits) sets the pace; its F + B per micro-batch
        // is its compute busy time over m, and it idles for the pipeline's fill and drain.
        long busiest = 0;
        double sumOthers = 0;
        for (int st = 0; st < pp; st++) {
            busiest = Math.max(busiest, r.simulation().computeBusyNs(st));
        }
        for (int st = 0; st < pp; st++) {
            sumOthers += r.simulation().computeBusyNs(st) / (double) m;
        }
        double perMicroBatch = busiest / (double) m;
        // Fill and drain: (pp - 1) stage-steps, each a forward plus a backward of another stage.
        double expectedBubble = sumOthers - perMicroBatch;
        double bubble = r.simulation().makespanNs() - busiest;
        assertThat(bubble / expectedBubble).isBetween(0.9, 1.15);
    }

    @Test
    void everyMicroBatchRunsForwardAndBackwardOnEveryVirtualStageOnce() {
        for (int[] shape : new int[][]{{4, 1, 8}, {4, 2, 8}, {2, 3, 6}, {8, 4, 16}}) {
            int pp = shape[0];
            int vpp = shape[1];
            int m = shape[2];
            for (int rank = 0; rank < pp; rank++) {
                List<int[]> order = TrainingStepWorkload.scheduleForTest(rank, pp, vpp, m);
                assertThat(order).hasSize(2 * m * vpp);
                Set<String> seen = new HashSet<>();
                for (int[] item : order) {
                    assertThat(item[0] % pp).isEqualTo(rank);
                    String key = item[0] + "/" + item[1] + "/" + item[2];
                    assertThat(seen.add(key)).as(key).isTrue();
                    if (item[2] == 1) {
                        assertThat(seen).contains(item[0] + "/" + item[1] + "/0");
                    }
                }
            }
        }
    }

    @Test
    void aSeededZipfStepIsTheSameOnOneThreadAndOnFour() throws Exception {
        // No global mutable state: the same seeded, skewed scenario simulated alone and four times at once gives
        // the same step, breakdown and per-rank loads.
        Scenario s = scenario(layout(2, 2, 2, 8), new RoutingSpec(RoutingKind.ZIPF, 1.1, null, 42), Recompute.SELECTIVE, 64);
        TrainingStepResult alone = run(s);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<TrainingStepResult>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> run(s)));
            }
            for (java.util.concurrent.Future<TrainingStepResult> f : futures) {
                TrainingStepResult r = f.get();
                assertThat(r.stepTimeSeconds()).isEqualTo(alone.stepTimeSeconds());
                assertThat(r.exposedCommSeconds()).isEqualTo(alone.exposedCommSeconds());
                assertThat(r.hostBoundSeconds()).isEqualTo(alone.hostBoundSeconds());
                assertThat(r.loadImbalance()).isEqualTo(alone.loadImbalance());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(alone.loadImbalance()).isGreaterThan(1.2);
    }

    @Test
    void skewedRoutingIsSlowerAndMoreSoWithMoreSkew() {
        ParallelLayout p = layout(1, 2, 1, 8);
        double balanced = run(scenario(p, RoutingSpec.balanced(), Recompute.NONE, 32)).stepTimeSeconds();
        double mild = run(scenario(p, new RoutingSpec(RoutingKind.ZIPF, 0.5, null, 7), Recompute.NONE, 32))
                .stepTimeSeconds();
        TrainingStepResult strongResult = run(scenario(p, new RoutingSpec(RoutingKind.ZIPF, 1.2, null, 7), Recompute.NONE, 32));
        assertThat(mild).isGreaterThan(balanced);
        assertThat(strongResult.stepTimeSeconds()).isGreaterThan(mild);
        assertThat(strongResult.loadImbalance()).isGreaterThan(1.5);
    }

    @Test
    void fsdpGathersEveryLayerBeforeItsForwardAndBackwardAndReduceScattersItsGradients() {
        // Qwen3-30B-A3B (48 layers) on 32 GPUs, tp 2, pp 1, ep 8, FSDP: dp 16, global batch 32 -> 2 micro-batches.
        ParallelLayout sharded = new ParallelLayout(2, 1, 1, 1, 8, 1, true, 3);
        ParallelLayout replicated = new ParallelLayout(2, 1, 1, 1, 8, 1, false, 1);
        TrainingStepResult fsdp = run(scenario(sharded, RoutingSpec.balanced(), Recompute.NONE, 32));
        TrainingStepResult zero1 = run(scenario(replicated, RoutingSpec.balanced(), Recompute.NONE, 32));
        assertThat(fsdp.microBatches()).isEqualTo(2);
        List<Span> spans = fsdp.simulation().spans();
        // Per micro-batch: the embedding, 48 layers and the output head, gathered for the forward and again
        // for the backward; their gradients reduce-scattered once.
        assertThat(spans.stream().filter(sp -> sp.name().equals(TrainingStepWorkload.FSDP_GATHER)).count())
                .isEqualTo(2 * 2 * 50);
        assertThat(spans.stream().filter(sp -> sp.name().equals(TrainingStepWorkload.FSDP_REDUCE)).count())
                .isEqualTo(2 * 50);
        assertThat(spans.stream().filter(sp -> sp.name().equals("grad-reducescatter")).count()).isZero();
        assertThat(spans.stream().filter(sp -> sp.name().startsWith("fsdp-"))
                .allMatch(sp -> sp.stream() == TrainingStepWorkload.DP_STREAM)).isTrue();
        // The replicated layout (distributed optimizer, overlapped gradient reduction) gathers nothing and
        // reduce-scatters each layer's gradients once, in the last micro-batch, as its backward ends.
        assertThat(zero1.simulation().spans().stream().filter(sp -> sp.name().startsWith("fsdp-")).count()).isZero();
        List<Span> zeroReduces = zero1.simulation().spans().stream()
                .filter(sp -> sp.name().equals(TrainingStepWorkload.GRAD_REDUCE)).toList();
        assertThat(zeroReduces).hasSize(50);
        long lastBackwardStart = zero1.simulation().spans().stream()
                .filter(sp -> sp.stream() == 0 && sp.name().startsWith("bwd mb1 ")).mapToLong(Span::startNs).min()
                .orElseThrow();
        assertThat(zeroReduces).allMatch(sp -> sp.startNs() >= lastBackwardStart);
        // Sharding parameters adds traffic to every micro-batch: the data-parallel stream carries more. (The step
        // itself need not be slower: the replicated layout reduces all gradients after the last backward, while
        // FSDP reduce-scatters each layer's as soon as its backward ends.)
        assertThat(dpStreamNs(fsdp)).isGreaterThan(2 * dpStreamNs(zero1));
        assertThat(fsdp.exposedCommByKind().get(Category.DP_COMM.id())).isGreaterThanOrEqualTo(0.0);
        assertThat(fsdp.pipelineBubbleSeconds()).isGreaterThanOrEqualTo(0.0);
        assertThat(TrainingStepWorkload.limitations(scenario(sharded, RoutingSpec.balanced(), Recompute.NONE, 32)))
                .noneMatch(line -> line.contains("FSDP"));
    }

    @Test
    void fsdpTrafficIsAlsoChargedInsideOverlappedForwardBackwardPairs() {
        // pp 2 with 2 virtual stages, dp 8, 16 micro-batches: the 1F1B A2A overlap runs its steady state as pairs.
        ParallelLayout sharded = new ParallelLayout(2, 2, 2, 1, 8, 1, true, 3);
        Scenario plain = scenario(sharded, RoutingSpec.balanced(), Recompute.NONE, 128);
        Scenario overlapped = new Scenario("t", Workload.TRAINING_STEP, QWEN30, ClusterSpec.of("fake", 4, 8), sharded,
                new BatchSpec(4096, 128, 1), Precision.BF16, Recompute.NONE,
                new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), null), new StrategySpec("megatron", true),
                null, null);
        TrainingStepResult a = run(plain);
        TrainingStepResult b = run(overlapped);
        assertThat(b.microBatches()).isEqualTo(16);
        for (String name : List.of(TrainingStepWorkload.FSDP_GATHER, TrainingStepWorkload.FSDP_REDUCE)) {
            long inPlain = a.simulation().spans().stream().filter(sp -> sp.name().equals(name)).count();
            long inPairs = b.simulation().spans().stream().filter(sp -> sp.name().equals(name)).count();
            assertThat(inPairs).as(name).isPositive().isEqualTo(inPlain);
        }
        assertThat(TrainingStepWorkload.limitations(overlapped)).noneMatch(line -> line.contains("FSDP"));
    }

    @Test
    void evaluateGivesRunsMetricsWithFewerTasks() {
        ParallelLayout plain = layout(2, 2, 2, 8);
        ParallelLayout sharded = new ParallelLayout(2, 1, 1, 1, 8, 1, true, 3);
        List<Scenario> cases = List.of(
                scenario(plain, RoutingSpec.balanced(), Recompute.SELECTIVE, 64),
                scenario(plain, new RoutingSpec(RoutingKind.ZIPF, 1.2, null, 7), Recompute.FULL, 64),
                scenario(sharded, RoutingSpec.balanced(), Recompute.NONE, 32),
                new Scenario("pairs", Workload.TRAINING_STEP, QWEN30, ClusterSpec.of("fake", 4, 8), plain,
                        new BatchSpec(4096, 64, 1), Precision.BF16, Recompute.SELECTIVE,
                        new MoeConfig(Dispatcher.DEEPEP, RoutingSpec.balanced(), null), new StrategySpec("megatron", true),
                        null, null));
        for (Scenario s : cases) {
            TrainingStepResult detailed = run(s);
            TrainingStepResult coarse = TrainingStepWorkload.evaluate(s, new FakeCostModel(), 989.4, 80e9);
            // Equal up to rounding (a completion is scheduled at a whole nanosecond, once per task), except inside
            // the 1F1B A2A overlap's pairs when the host is the bottleneck: there each category segment waits for
            // its own launch (the "pairs" case here, host-bound with Megatron's DeepEP syncs: 1.2%; 0.5% on the
            // published 1F1B-overlap case, identical on the other validation cases).
            double tolerance = s.strategy().a2aOverlap() ? 0.015 : 1e-5;
            assertThat(coarse.stepTimeSeconds()).as(s.name())
                    .isCloseTo(detailed.stepTimeSeconds(), within(tolerance * detailed.stepTimeSeconds()));
            assertThat(coarse.computeSeconds()).as(s.name())
                    .isCloseTo(detailed.computeSeconds(), within(tolerance * detailed.computeSeconds()));
            assertThat(coarse.exposedCommSeconds()).as(s.name())
                    .isCloseTo(detailed.exposedCommSeconds(), within(tolerance * detailed.stepTimeSeconds()));
            assertThat(coarse.hostBoundSeconds()).as(s.name())
                    .isCloseTo(detailed.hostBoundSeconds(), within(tolerance * detailed.stepTimeSeconds()));
            assertThat(coarse.memory().peakGiB()).isEqualTo(detailed.memory().peakGiB());
            assertThat(coarse.simulation().spanCount()).isLessThan(detailed.simulation().spanCount());
        }
    }

    private static long dpStreamNs(TrainingStepResult r) {
        return r.simulation().spans().stream().filter(sp -> sp.stream() == TrainingStepWorkload.DP_STREAM)
                .mapToLong(sp -> sp.endNs() - sp.startNs()).sum();
    }

    @Test
    void fsdpAllGatherIsPrefetchedOneLayerAhead() {
        ParallelLayout sharded = new ParallelLayout(2, 1, 1, 1, 8, 1, true, 3);
        TrainingStepResult fsdp = run(scenario(sharded, RoutingSpec.balanced(), Recompute.NONE, 32));
        List<Span> gathers = fsdp.simulation().spans().stream()
                .filter(sp -> sp.name().equals(TrainingStepWorkload.FSDP_GATHER)).toList();
        List<Span> compute = fsdp.simulation().spans().stream()
                .filter(sp -> sp.stream() == 0 && sp.endNs() > sp.startNs()).toList();
        // Some all-gather runs while the compute stream is busy (prefetch), not only in its idle gaps.
        long overlapped = gathers.stream().filter(gather -> compute.stream().anyMatch(c ->
                c.startNs() < gather.endNs() && gather.startNs() < c.endNs())).count();
        assertThat(overlapped).isGreaterThan(gathers.size() / 2);
    }

    @Test
    void perRankLoadsAverageToOneAndTheirMaximumBoundsTheImbalance() {
        ParallelLayout p = layout(1, 2, 1, 8);
        TrainingStepResult balanced = run(scenario(p, RoutingSpec.balanced(), Recompute.NONE, 32));
        assertThat(balanced.loadPerEpRank()).hasSize(8).containsOnly(1.0);
        assertThat(balanced.maxLoadPerEpRank()).hasSize(8).containsOnly(1.0);

        TrainingStepResult skewed = run(scenario(p, new RoutingSpec(RoutingKind.ZIPF, 1.2, null, 7), Recompute.NONE, 32));
        double[] mean = skewed.loadPerEpRank();
        double[] max = skewed.maxLoadPerEpRank();
        assertThat(mean).hasSize(8);
        // Every layer's ratios average to exactly one over the group, so their means do too.
        assertThat(java.util.Arrays.stream(mean).average().orElseThrow()).isCloseTo(1.0, within(1e-9));
        double highest = 0;
        for (int r = 0; r < 8; r++) {
            assertThat(max[r]).isGreaterThanOrEqualTo(mean[r]);
            highest = Math.max(highest, max[r]);
        }
        // The imbalance is the busiest rank's ratio averaged over layers: never above the largest ratio seen.
        assertThat(highest).isGreaterThanOrEqualTo(skewed.loadImbalance()).isGreaterThan(1.5);
        // The result hands out copies: callers cannot change it.
        mean[0] = -1;
        assertThat(skewed.loadPerEpRank()[0]).isNotEqualTo(-1);
    }

    @Test
    void capacityDropsHotTokensAndShortensTheStragglers() {
        ParallelLayout p = layout(1, 2, 1, 8);
        RoutingSpec zipf = new RoutingSpec(RoutingKind.ZIPF, 1.2, null, 7);
        TrainingStepResult dropless = run(scenario(p, zipf, Recompute.NONE, 32));
        TrainingStepResult capped = run(new Scenario("t", Workload.TRAINING_STEP, QWEN30, ClusterSpec.of("fake", 4, 8), p,
                new BatchSpec(4096, 32, 1), Precision.BF16, Recompute.NONE, new MoeConfig(Dispatcher.ALLTOALL, zipf, 1.0),
                StrategySpec.defaults(), null, null));
        assertThat(dropless.droppedTokenFraction()).isZero();
        assertThat(capped.droppedTokenFraction()).isBetween(0.05, 0.95);
        assertThat(capped.loadImbalance()).isLessThan(dropless.loadImbalance());
        assertThat(capped.stepTimeSeconds()).isLessThan(dropless.stepTimeSeconds());
        TrainingStepResult balancedCapped = run(new Scenario("t", Workload.TRAINING_STEP, QWEN30, ClusterSpec.of("fake", 4, 8),
                p, new BatchSpec(4096, 32, 1), Precision.BF16, Recompute.NONE,
                new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), 1.0), StrategySpec.defaults(), null, null));
        assertThat(balancedCapped.droppedTokenFraction()).isZero();
    }

    @Test
    void aMeasuredTraceDrivesTheExpertLoads() {
        ParallelLayout p = layout(1, 2, 1, 8);
        double[][] hot = new double[1][128];
        java.util.Arrays.fill(hot[0], 1);
        for (int e = 0; e < 16; e++) {
            hot[0][e] = 8;   // experts 0-15 (the first EP rank's) get 8x the tokens
        }
        RoutingSpec trace = new RoutingSpec(RoutingKind.TRACE, 0, "t.csv", 1, new io.moesim.scenario.RoutingTrace(hot));
        TrainingStepResult skewed = run(scenario(p, trace, Recompute.NONE, 32));
        TrainingStepResult balanced = run(scenario(p, RoutingSpec.balanced(), Recompute.NONE, 32));
        // Rank 0 holds 16 of 128 experts with 8/(8·16 + 112) of the tokens each: 128/240 of all vs 1/8 balanced.
        assertThat(skewed.loadImbalance()).isCloseTo(128.0 / 240 * 8, org.assertj.core.data.Offset.offset(0.01));
        assertThat(skewed.stepTimeSeconds()).isGreaterThan(balanced.stepTimeSeconds());
    }

    @Test
    void contextParallelismAddsTheExposedRingExchange() {
        ParallelLayout cp2 = new ParallelLayout(1, 1, 1, 2, 8, 1, false, 1);
        TrainingStepResult r = run(new Scenario("t", Workload.TRAINING_STEP, QWEN30, ClusterSpec.of("fake", 2, 8), cp2,
                new BatchSpec(512, 8, 1), Precision.BF16, Recompute.NONE,
                new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), null), StrategySpec.defaults(), null, null));
        // At 512 tokens the fake attention is far shorter than one 10 us ring step, so the exchange is exposed.
        assertThat(r.simulation().spans()).anySatisfy(sp -> {
            assertThat(sp.category()).isEqualTo(io.moesim.engine.Category.CP_COMM);
            assertThat(sp.durationNs()).isPositive();
        });
    }

    @Test
    void recomputeCostsTimeAndResultsAreDeterministic() {
        ParallelLayout p = layout(2, 2, 2, 4);
        TrainingStepResult none = run(scenario(p, RoutingSpec.balanced(), Recompute.NONE, 16));
        TrainingStepResult selective = run(scenario(p, RoutingSpec.balanced(), Recompute.SELECTIVE, 16));
        TrainingStepResult full = run(scenario(p, RoutingSpec.balanced(), Recompute.FULL, 16));
        assertThat(selective.stepTimeSeconds()).isGreaterThan(none.stepTimeSeconds());
        assertThat(full.stepTimeSeconds()).isGreaterThan(selective.stepTimeSeconds() * 1.2);
        TrainingStepResult again = run(scenario(p, new RoutingSpec(RoutingKind.UNIFORM, 0, null, 3), Recompute.NONE, 16));
        TrainingStepResult twice = run(scenario(p, new RoutingSpec(RoutingKind.UNIFORM, 0, null, 3), Recompute.NONE, 16));
        assertThat(again.simulation().spans()).isEqualTo(twice.simulation().spans());
    }

    @Test
    void metricsAreConsistent() {
        Scenario s = scenario(layout(2, 4, 2, 8), RoutingSpec.balanced(), Recompute.SELECTIVE, 64);
        TrainingStepResult r = run(s);
        SimulationResult sim = r.simulation();
        assertThat(r.stepTimeSeconds()).isEqualTo(sim.makespanNs() / 1e9);
        assertThat(r.tokensPerSecondPerGpu()).isCloseTo(64 * 4096 / r.stepTimeSeconds() / 32, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.computeSeconds()).isLessThanOrEqualTo(r.stepTimeSeconds());
        assertThat(r.pipelineBubbleSeconds()).isGreaterThan(0);
        assertThat(r.microBatches()).isEqualTo(64 / 4); // dp = 32 / (tp 2 · pp 4)
        assertThat(r.mfu()).isBetween(0.0, 1.0);
        // Exposed communication by kind adds up to the total; TP2 and EP8 both expose some here.
        double byKind = r.exposedCommByKind().values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(byKind).isCloseTo(r.exposedCommSeconds(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.exposedCommByKind().get("tp-comm")).isPositive();
        assertThat(r.exposedCommByKind().get("ep-comm")).isPositive();
        assertThat(r.exposedCommByKind().keySet()).containsExactly("ep-comm", "tp-comm", "cp-comm", "pp-comm", "dp-comm",
                "other-comm");
    }

    private static long firstSpanNs(TrainingStepResult r, String name) {
        return r.simulation().spans().stream().filter(sp -> sp.gpu() == 1 && sp.name().equals(name)).findFirst()
                .orElseThrow().durationNs();
    }

    private static double hostBusySeconds(TrainingStepResult r, int stage) {
        long ns = 0;
        for (Span span : r.simulation().spans()) {
            if (span.gpu() == stage && span.category() == Category.HOST) {
                ns += span.endNs() - span.startNs();
            }
        }
        return ns / 1e9;
    }

    @Test
    void theLossMovesTheLogitsAsOftenAsEachCrossEntropyImplementationDoes() {
        // Qwen3's vocabulary 151936 padded to a multiple of 128 x TP 2 = 152064, 76032 per rank; 4096 tokens:
        // N = 311,427,072 logits per micro-batch on the last stage. FakeCostModel streams 2000 B/ns.
        Scenario base = scenario(layout(2, 4, 1, 8), RoutingSpec.balanced(), Recompute.NONE, 64);
        long n = 4096L * 76032;
        TrainingStepResult none = TrainingStepWorkload.run(base, new FakeCostModel(), 989.4, 80e9,
                SimulationListener.NONE, false);
        // Megatron's unfused vocab_parallel_cross_entropy: 38 B per element forward, 14 backward.
        assertThat(spanNs(none, 3, "fwd mb0 loss")).isEqualTo(38 * n / 2000);
        assertThat(spanNs(none, 3, "bwd mb0 loss-bwd")).isEqualTo(14 * n / 2000);
        // its three TP all-reduces of one FP32 value per token: 10 us + 16384 B / 100 B/ns each (FakeCostModel)
        assertThat(spanNs(none, 3, "loss-tp-comm")).isEqualTo(3 * (10_000 + 16_384 / 100));
        TrainingStepResult nativeFused = TrainingStepWorkload.run(withCrossEntropy(base, CrossEntropyFusion.NATIVE),
                new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, false);
        assertThat(spanNs(nativeFused, 3, "fwd mb0 loss")).isEqualTo(22 * n / 2000);
        assertThat(spanNs(nativeFused, 3, "bwd mb0 loss-bwd")).isEqualTo(6 * n / 2000);
        TrainingStepResult te = TrainingStepWorkload.run(withCrossEntropy(base, CrossEntropyFusion.TE),
                new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, false);
        assertThat(spanNs(te, 3, "fwd mb0 loss")).isEqualTo(6 * n / 2000);
        assertThat(spanNs(te, 3, "bwd mb0 loss-bwd")).isEqualTo(4 * n / 2000);
        // no loss on the other stages
        assertThat(none.simulation().spans()).noneMatch(sp -> sp.gpu() != 3 && sp.name().contains("loss"));
        // 12 layers on every stage; with sequence parallelism the first stage also reduce-scatters the embedding's
        // partial sums (all-gathers their gradient), the last all-gathers the output layer's input (reduce-scatters
        // its gradient) and all-reduces the loss's three per-token values: per micro-batch 2, 2 + 1 more TP spans
        assertThat(tpSpans(none, 0) - tpSpans(none, 1)).isEqualTo(2 * 16);
        assertThat(tpSpans(none, 3) - tpSpans(none, 1)).isEqualTo(3 * 16);
        // the last stage is the busiest here: the fused losses shorten the step
        assertThat(te.stepTimeSeconds()).isLessThan(nativeFused.stepTimeSeconds());
        assertThat(nativeFused.stepTimeSeconds()).isLessThan(none.stepTimeSeconds());
    }

    @Test
    void theHostWaitsForEveryLossBeforeItLaunchesMore() {
        // Megatron's NaN check evaluates torch.isnan(loss) as a Python bool: one sync per micro-batch on the last
        // stage, whose host task waits for the loss; Transformer Engine's torch.equal adds one before the backward.
        Scenario base = scenario(layout(2, 4, 1, 8), RoutingSpec.balanced(), Recompute.NONE, 64);
        TrainingStepResult none = TrainingStepWorkload.run(base, new FakeCostModel(), 989.4, 80e9,
                SimulationListener.NONE, true);
        TrainingStepResult te = TrainingStepWorkload.run(withCrossEntropy(base, CrossEntropyFusion.TE),
                new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, true);
        long syncsOnLastStage = hostSyncs(none, 3);
        long syncsOnFirstStage = hostSyncs(none, 0);
        // 16 micro-batches; every MoE layer's dispatch syncs too, equally on every stage (12 layers each)
        assertThat(syncsOnLastStage - syncsOnFirstStage).isEqualTo(16);
        assertThat(hostSyncs(te, 3) - hostSyncs(te, 0)).isEqualTo(32);
        Span loss = none.simulation().spans().stream().filter(sp -> sp.gpu() == 3 && sp.name().equals("fwd mb0 loss"))
                .findFirst().orElseThrow();
        Span check = none.simulation().spans().stream()
                .filter(sp -> sp.gpu() == 3 && sp.name().equals("fwd mb0 loss-check")).findFirst().orElseThrow();
        // the check starts only after the host, which waited for the loss, has launched it (58 us per launch)
        assertThat(check.startNs()).isGreaterThanOrEqualTo(loss.endNs() + 58_000);
    }

    @Test
    void theAllToAllDispatcherCountsTokensForwardOnlyAndSendsTheProbabilitiesToo() {
        // Qwen3-30B-A3B, TP2 (2048 tokens per rank), EP8, top-8, hidden 2048. FakeCostModel: a collective costs
        // 10 us + bytes / 100 B/ns. The tokens' all-to-all carries 2048 x 8 x 2048 x 2 B, the probabilities' one
        // 2048 x 8 x 4 B.
        Scenario s = scenario(layout(2, 4, 1, 8), RoutingSpec.balanced(), Recompute.NONE, 64);
        TrainingStepResult r = TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE,
                false);
        assertThat(spanNs(r, 0, "ep-dispatch")).isEqualTo(10_000 + 67_108_864L / 100 + 10_000 + 65_536 / 100);
        assertThat(spanNs(r, 0, "ep-combine")).isEqualTo(10_000 + 67_108_864L / 100);
        // 16 micro-batches x 12 MoE layers on stage 0, forward only: no backward spans of the counting
        assertThat(commSpans(r, TrainingStepWorkload.EP_COUNT_ALLGATHER)).isEqualTo(4 * 16 * 12);
        assertThat(r.simulation().spans()).noneMatch(sp -> sp.name().contains("ep-count-allgather-bwd")
                || sp.name().contains("ep-preprocess-bwd"));
        // DeepEP counts inside its own dispatch: neither op exists
        Scenario deepep = new Scenario("t", Workload.TRAINING_STEP, QWEN30, s.cluster(), s.parallel(), s.batch(),
                s.precision(), s.recompute(), new MoeConfig(Dispatcher.DEEPEP, RoutingSpec.balanced(), null),
                StrategySpec.defaults(), null, null);
        TrainingStepResult d = TrainingStepWorkload.run(deepep, new FakeCostModel(), 989.4, 80e9,
                SimulationListener.NONE, false);
        assertThat(commSpans(d, TrainingStepWorkload.EP_COUNT_ALLGATHER)).isZero();
        assertThat(d.simulation().spans()).noneMatch(sp -> sp.name().endsWith(TrainingStepWorkload.EP_PREPROCESS));
    }

    @Test
    void theHostLaunchesEveryChunksSendAndReceive() {
        // pp 4, 16 micro-batches: each stage runs 16 forward and 16 backward chunks. A middle stage receives and
        // sends around each (two NCCL launches from Python at 58 us); the end stages have only one side.
        Scenario s = scenario(layout(2, 4, 1, 8), RoutingSpec.balanced(), Recompute.NONE, 64);
        TrainingStepResult on = TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE,
                true);
        for (int st = 0; st < 4; st++) {
            int stage = st;
            List<Span> p2p = on.simulation().spans().stream()
                    .filter(sp -> sp.gpu() == stage && sp.name().equals(TrainingStepWorkload.P2P_LAUNCH)).toList();
            long perChunk = stage == 0 || stage == 3 ? 58_000 : 2 * 58_000;
            assertThat(p2p).as("stage " + stage).hasSize(32).allSatisfy(sp -> assertThat(sp.durationNs()).isEqualTo(perChunk));
        }
        TrainingStepResult off = TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE,
                false);
        assertThat(off.simulation().spans()).noneMatch(sp -> sp.name().equals(TrainingStepWorkload.P2P_LAUNCH));
    }

    @Test
    void megatronsDdpHooksCostHostTimePerModuleCallAndPerParameter() {
        // Qwen3-30B-A3B, EP8: 16 local experts. Per MoE layer and micro-batch Megatron-Core's TE spec calls 17 modules
        // owning 7 + 2 x 16 = 39 parameters: forward pre-hooks of 17 x 1.9 us + 39 x 0.41 us, which only the
        // distributed optimizer with overlapped parameter all-gather installs (ZeRO-1, not 0). pp 4: 12 layers per
        // stage, 16 micro-batches.
        long preHooksPerLayer = 17 * FrameworkHost.PRE_HOOK_NS_PER_MODULE + 39 * FrameworkHost.PRE_HOOK_NS_PER_PARAM;
        assertThat(preHooksPerLayer).isEqualTo(48_290);
        long layerMicroBatches = 12 * 16;
        TrainingStepResult zero1 = runHosted(scenario(layout(2, 4, 1, 8), RoutingSpec.balanced(), Recompute.NONE, 64));
        TrainingStepResult zero0 = runHosted(scenario(new ParallelLayout(2, 4, 1, 1, 8, 1, false, 0),
                RoutingSpec.balanced(), Recompute.NONE, 64));
        // EP4: 32 local experts, 16 more weights in each grouped linear. Per layer and micro-batch each extra expert
        // costs six looped GEMM launches (forward, data and weight gradient of both linears, 7 us each), two
        // parameters' pre-hooks and two parameters' backward work (5.1 us each).
        TrainingStepResult ep4 = runHosted(scenario(layout(2, 4, 1, 4), RoutingSpec.balanced(), Recompute.NONE, 64));
        long perExtraExpert = 6 * FrameworkHost.NS_PER_CPP_LAUNCH + 2 * FrameworkHost.PRE_HOOK_NS_PER_PARAM
                + 2 * FrameworkHost.GRAD_HOOK_NS_PER_PARAM;
        for (int stage : new int[]{1, 2}) {
            assertThat(hostBusyNs(zero1, stage) - hostBusyNs(zero0, stage)).as("stage " + stage)
                    .isEqualTo(layerMicroBatches * preHooksPerLayer);
            assertThat(hostBusyNs(ep4, stage) - hostBusyNs(zero1, stage)).as("stage " + stage)
                    .isEqualTo(layerMicroBatches * 16 * perExtraExpert);
        }
    }

    private static TrainingStepResult runHosted(Scenario s) {
        return TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, true);
    }

    /** Host-thread busy time of a stage: every launch, sync and point-to-point launch task. */
    private static long hostBusyNs(TrainingStepResult r, int gpu) {
        return r.simulation().spans().stream().filter(sp -> sp.gpu() == gpu && (sp.name().equals("launch")
                || sp.name().equals("sync+launch") || sp.name().equals(TrainingStepWorkload.P2P_LAUNCH)))
                .mapToLong(Span::durationNs).sum();
    }

    private static Scenario withCrossEntropy(Scenario s, CrossEntropyFusion f) {
        return s.withStrategy(new StrategySpec("megatron", false, MemoryModelTest.knobs(f)));
    }

    private static long spanNs(TrainingStepResult r, int gpu, String name) {
        return r.simulation().spans().stream().filter(sp -> sp.gpu() == gpu && sp.name().equals(name)).findFirst()
                .map(sp -> sp.endNs() - sp.startNs()).orElseThrow(() -> new AssertionError("no span " + name));
    }

    private static long tpSpans(TrainingStepResult r, int gpu) {
        return r.simulation().spans().stream().filter(sp -> sp.gpu() == gpu && sp.category() == Category.TP_COMM).count();
    }

    private static long hostSyncs(TrainingStepResult r, int gpu) {
        return r.simulation().spans().stream().filter(sp -> sp.gpu() == gpu && sp.name().equals("sync+launch")).count();
    }

    @Test
    void hostOverheadIsNotComputeAndNeverSpeedsUpAStep() {
        Scenario s = scenario(layout(2, 4, 1, 8), RoutingSpec.balanced(), Recompute.SELECTIVE, 64);
        TrainingStepResult on = TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, true);
        TrainingStepResult off = TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, false);
        // The framework model adds host launches (not compute) and the GPU's 2 us gap before each counted kernel
        // (compute-stream time): a few percent here, never less.
        assertThat(on.computeSeconds()).isGreaterThan(off.computeSeconds()).isLessThan(1.1 * off.computeSeconds());
        // On stage 1: one RMSNorm kernel is exactly one gap longer; Qwen3's attention op launches five kernels
        // (FlashAttention, two RoPE and two QK-norm kernels): five gaps.
        assertThat(firstSpanNs(on, "fwd mb0 attn-norm") - firstSpanNs(off, "fwd mb0 attn-norm")).isEqualTo(2_000);
        assertThat(firstSpanNs(on, "fwd mb0 flash-attn") - firstSpanNs(off, "fwd mb0 flash-attn")).isEqualTo(5 * 2_000);
        assertThat(on.stepTimeSeconds()).isGreaterThanOrEqualTo(off.stepTimeSeconds());
        assertThat(off.hostBoundSeconds()).isZero();
        assertThat(hostBusySeconds(off, 0)).isZero();
        assertThat(hostBusySeconds(on, 0)).isPositive();
        assertThat(on.hostBoundSeconds()).isBetween(0.0, on.stepTimeSeconds() - on.computeSeconds());
    }

    @Test
    void shortKernelsMakeTheStepHostBound() {
        // 64-token micro-batches: every kernel takes microseconds, launching it ~42 us of host time.
        Scenario s = new Scenario("t", Workload.TRAINING_STEP, QWEN30, ClusterSpec.of("fake", 4, 8), layout(2, 4, 1, 8),
                new BatchSpec(64, 64, 1), Precision.BF16, Recompute.NONE,
                new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), null), StrategySpec.defaults(), null, null);
        TrainingStepResult on = TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, true);
        TrainingStepResult off = TrainingStepWorkload.run(s, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, false);
        double host = hostBusySeconds(on, 0);
        assertThat(host).isGreaterThan(2 * off.stepTimeSeconds());
        // Host-bound: the step is at least the busiest host thread's launch time, and the GPU mostly waits for it.
        assertThat(on.stepTimeSeconds()).isGreaterThanOrEqualTo(host);
        assertThat(on.hostBoundSeconds()).isGreaterThan(0.5 * (on.stepTimeSeconds() - off.stepTimeSeconds()));
    }

    @Test
    void dualPipeHalvesTheBubbleOfOneFOneB() {
        // Dense Llama-3-8B, one GPU per stage, pp 4, 16 micro-batches. 1F1B idles (pp-1)(F+B); DualPipe
        // (DeepSeek-V3 report, Table 2) (pp/2-1)(F&B+B-3W), here with F&B = F+B (no communication to hide)
        // and every rank holding one end of each direction, so ranks are balanced.
        ModelSpec llama = ModelCatalog.builtIn().require("llama3-8b");
        int pp = 4;
        int m = 16;
        Scenario oneF = new Scenario("1f1b", Workload.TRAINING_STEP, llama, ClusterSpec.of("fake", 1, 4),
                new ParallelLayout(1, pp, 1, 1, 1, 1, false, 1), new BatchSpec(2048, m, 1), Precision.BF16,
                Recompute.NONE, MoeConfig.defaults(), StrategySpec.defaults(), null, null);
        Scenario dual = new Scenario("dualpipe", Workload.TRAINING_STEP, llama, ClusterSpec.of("fake", 1, 4),
                oneF.parallel(), oneF.batch(), Precision.BF16, Recompute.NONE, MoeConfig.defaults(),
                new StrategySpec("dualpipe", false), null, null);
        TrainingStepResult a = TrainingStepWorkload.run(oneF, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, false);
        TrainingStepResult d = TrainingStepWorkload.run(dual, new FakeCostModel(), 989.4, 80e9, SimulationListener.NONE, false);
        long busyA = 0;
        long busyD = 0;
        for (int st = 0; st < pp; st++) {
            busyA = Math.max(busyA, a.simulation().computeBusyNs(st));
            busyD = Math.max(busyD, d.simulation().computeBusyNs(st));
        }
        double bubbleA = a.simulation().makespanNs() - busyA;
        double bubbleD = d.simulation().makespanNs() - busyD;
        // Per-chunk forward and backward (with weight gradients) of rank 1, from its spans: m chunks of each.
        double f = 0;
        double b = 0;
        for (Span span : d.simulation().spans()) {
            if (span.gpu() == 1 && !span.category().isCommunication() && !span.category().isHost()) {
                if (span.name().startsWith("fwd")) {
                    f += span.durationNs();
                } else if (span.name().startsWith("bwd")) {
                    b += span.durationNs();
                }
            }
        }
        f /= m;
        b /= m;
        assertThat(bubbleA).isPositive();
        // 1F1B's fill and drain against DualPipe's (pp/2-1)(F&B+B-3W) <= (pp/2-1)(F+2B) with F&B = F+B here.
        assertThat(bubbleD).isPositive().isLessThan(bubbleA / 3).isLessThanOrEqualTo((pp / 2 - 1) * (f + 2 * b));
        assertThat(d.stepTimeSeconds()).isLessThan(a.stepTimeSeconds());
        // Both directions' chunks on every rank: the parameters are held twice.
        assertThat(d.memory().weights()).isGreaterThan(1.8 * a.memory().weights());
        assertThat(d.computeSeconds()).isCloseTo(a.computeSeconds(), org.assertj.core.data.Percentage.withPercentage(15));
    }

    @Test
    void dualPipeHidesTheExpertExchangeOfOneDirectionBehindTheOther() {
        // MoE with an inter-node all-to-all: DualPipe's forward&backward pairs hide most of it; plain 1F1B
        // exposes it on the compute stream.
        Scenario base = scenario(layout(1, 4, 1, 8), RoutingSpec.balanced(), Recompute.NONE, 256);
        Scenario dual = new Scenario("dp", Workload.TRAINING_STEP, QWEN30, base.cluster(), base.parallel(), base.batch(),
                Precision.BF16, Recompute.NONE, new MoeConfig(Dispatcher.DEEPEP, RoutingSpec.balanced(), null),
                new StrategySpec("dualpipe", false), null, null);
        Scenario oneF = new Scenario("1f", Workload.TRAINING_STEP, QWEN30, base.cluster(), base.parallel(), base.batch(),
                Precision.BF16, Recompute.NONE, new MoeConfig(Dispatcher.DEEPEP, RoutingSpec.balanced(), null),
                StrategySpec.defaults(), null, null);
        assertThat(io.moesim.scenario.ScenarioRules.check(dual)).isEmpty();
        TrainingStepResult d = run(dual);
        TrainingStepResult o = run(oneF);
        assertThat(d.exposedCommSeconds()).isLessThan(0.5 * o.exposedCommSeconds());
        assertThat(d.stepTimeSeconds()).isLessThan(o.stepTimeSeconds());
    }
}
