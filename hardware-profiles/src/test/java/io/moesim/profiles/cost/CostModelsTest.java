package io.moesim.profiles.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.cost.AttentionShape;
import io.moesim.cost.Collective;
import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.cost.CollectiveCostModel;
import io.moesim.cost.CollectiveEstimate;
import io.moesim.cost.CommGroup;
import io.moesim.cost.GemmCostModel;
import io.moesim.cost.MemoryOp;
import io.moesim.hardware.GpuSpec;
import io.moesim.profiles.Profiles;
import io.moesim.profiles.table.CollectiveMeasurement;
import io.moesim.profiles.table.GemmMeasurement;
import io.moesim.profiles.table.MemoryMeasurement;
import io.moesim.scenario.DataType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostModelsTest {
    private static GpuSpec gpu(String id) throws Exception {
        return Profiles.bundled(id).gpu();
    }

    // ---- GEMM -----------------------------------------------------------------------------------

    @Test
    void gemmOfOneElementIsTheFixedLatencyPlusTheSmallestTile() throws Exception {
        // h100 bf16: perSm = 794.5e3/132 = 6018.94 FLOP/ns; tile 64x16: eff = 1024/(80*48) = 0.26667,
        // MMA 2048/(6018.94*0.26667) = 1.276 ns, fill 1000 ns, epilogue 0.5*2048 B/(2847.5/132 B/ns) = 47.47 ns.
        // 3500 + 1.276 + 1000 + 47.47 = 4548.7 ns.
        assertThat(new AnalyticalGemmModel(gpu("h100-sxm")).timeNs(1, 1, 1, DataType.BF16, 132)).isEqualTo(4549);
    }

    @Test
    void gemmTimeNeverFallsWhenTheProblemGrowsOrSmsShrink() throws Exception {
        GemmCostModel g = new AnalyticalGemmModel(gpu("h800-sxm"));
        Random r = new Random(42);
        for (int i = 0; i < 300; i++) {
            long m = 1 + r.nextInt(16384);
            long n = 16 + r.nextInt(16384);
            long k = 16 + r.nextInt(16384);
            DataType t = r.nextBoolean() ? DataType.BF16 : DataType.FP8;
            int sms = 1 + r.nextInt(132);
            long base = g.timeNs(m, n, k, t, sms);
            assertThat(g.timeNs(m, n, 2 * k, t, sms)).isGreaterThanOrEqualTo(base);
            assertThat(g.timeNs(m, n, k, t, Math.max(1, sms / 2))).isGreaterThanOrEqualTo(base);
            assertThat(g.timeNs(2 * m, n, k, t, sms)).isGreaterThanOrEqualTo(base);
            double tflops = 2.0 * m * n * k / base / 1e3;
            assertThat(tflops).isLessThanOrEqualTo(t == DataType.FP8 ? 1402.6 : 794.5);
        }
    }

    @Test
    void groupedGemmIgnoresEmptyGroupsAndMatchesThePlainOne() throws Exception {
        GemmCostModel g = new AnalyticalGemmModel(gpu("h100-sxm"));
        long plain = g.timeNs(1000, 4096, 7168, DataType.BF16, 132);
        assertThat(g.groupedTimeNs(new long[]{0, 1000, 0}, 4096, 7168, DataType.BF16, 132)).isEqualTo(plain);
        assertThat(g.groupedTimeNs(new long[]{0, 0}, 4096, 7168, DataType.BF16, 132)).isZero();
        // Skewed routing costs more than balanced for the same tokens: the hot expert sets the waves.
        long balanced = g.groupedTimeNs(new long[]{2048, 2048, 2048, 2048}, 4096, 7168, DataType.BF16, 132);
        long skewed = g.groupedTimeNs(new long[]{5120, 1024, 1024, 1024}, 4096, 7168, DataType.BF16, 132);
        assertThat(skewed).isGreaterThanOrEqualTo(balanced);
    }

    @Test
    void gemmRejectsBadInput() throws Exception {
        GemmCostModel g = new AnalyticalGemmModel(gpu("a100-sxm"));
        assertThatThrownBy(() -> g.timeNs(0, 1, 1, DataType.BF16, 108)).hasMessage("m must be at least 1, got 0");
        assertThatThrownBy(() -> g.timeNs(1, 1, 1, DataType.FP8, 108)).hasMessageContaining("has no fp8");
        assertThatThrownBy(() -> g.timeNs(1, 1, 1, DataType.BF16, 109)).hasMessageContaining("sms must be 1..108");
        assertThatThrownBy(() -> g.groupedTimeNs(new long[]{-1}, 1, 1, DataType.BF16, 108)).hasMessageContaining("negative");
        assertThatThrownBy(() -> g.groupedTimeNs(new long[0], 1, 1, DataType.BF16, 108)).hasMessageContaining("at least one group");
    }

    @Test
    void unmeasuredGpuUsesTheDocumentedCeiling() throws Exception {
        AnalyticalGemmModel mi300 = new AnalyticalGemmModel(gpu("mi300x"));
        assertThat(mi300.ceiling(DataType.BF16)).isEqualTo(AnalyticalGemmModel.UNMEASURED_CEILING);
        assertThat(new AnalyticalGemmModel(gpu("h100-sxm")).ceiling(DataType.BF16)).isEqualTo(794.5 / 989.4);
    }

    @Test
    void measuredGemmTableReproducesItsPointsAndFallsBackOutsideItsRange() throws Exception {
        GpuSpec h100 = gpu("h100-sxm");
        AnalyticalGemmModel model = new AnalyticalGemmModel(h100);
        List<GemmMeasurement> table = List.of(
                new GemmMeasurement(1024, 1024, 1024, DataType.BF16, 1, 20.0, Double.NaN, Double.NaN, 0),
                new GemmMeasurement(8192, 8192, 8192, DataType.BF16, 1, 2000.0, Double.NaN, Double.NaN, 0));
        MeasuredGemmModel measured = new MeasuredGemmModel(model, 132, table);
        assertThat(measured.timeNs(1024, 1024, 1024, DataType.BF16, 132)).isEqualTo(20_000);
        assertThat(measured.timeNs(8192, 8192, 8192, DataType.BF16, 132)).isEqualTo(2_000_000);
        // Outside the measured box, or another data type: the model alone.
        assertThat(measured.timeNs(512, 1024, 1024, DataType.BF16, 132)).isEqualTo(model.timeNs(512, 1024, 1024, DataType.BF16, 132));
        assertThat(measured.timeNs(2048, 2048, 2048, DataType.FP8, 132)).isEqualTo(model.timeNs(2048, 2048, 2048, DataType.FP8, 132));
        // Inside: the model scaled by a ratio between the two measured ratios.
        double r1 = 20_000.0 / model.timeNs(1024, 1024, 1024, DataType.BF16, 132);
        double r2 = 2_000_000.0 / model.timeNs(8192, 8192, 8192, DataType.BF16, 132);
        double mid = measured.timeNs(4096, 4096, 4096, DataType.BF16, 132)
                / (double) model.timeNs(4096, 4096, 4096, DataType.BF16, 132);
        assertThat(mid).isBetween(Math.min(r1, r2) - 1e-6, Math.max(r1, r2) + 1e-6);
        // Fewer SMs scale through the model.
        assertThat(measured.timeNs(1024, 1024, 1024, DataType.BF16, 66)).isGreaterThanOrEqualTo(20_000);
    }

    // ---- attention ------------------------------------------------------------------------------

    @Test
    void measuredAttentionTableReproducesItsPointsPerPassAndFallsBackOutsideItsRange() throws Exception {
        FlashAttentionModel model = new FlashAttentionModel(gpu("h100-sxm"));
        List<io.moesim.profiles.table.AttentionMeasurement> table = List.of(
                new io.moesim.profiles.table.AttentionMeasurement(4096, 4096, 16, 1, 128, 128, true, DataType.BF16, false,
                        150.0, Double.NaN, Double.NaN, 0),
                new io.moesim.profiles.table.AttentionMeasurement(4096, 4096, 16, 1, 128, 128, true, DataType.BF16, true,
                        420.0, Double.NaN, Double.NaN, 0),
                new io.moesim.profiles.table.AttentionMeasurement(16384, 16384, 16, 1, 128, 128, true, DataType.BF16,
                        false, 1700.0, Double.NaN, Double.NaN, 0));
        MeasuredAttentionModel measured = new MeasuredAttentionModel(model, 132, table);
        AttentionShape at4k = AttentionShape.selfAttention(1, 4096, 16, 1, 128, 128, true, DataType.BF16);
        assertThat(measured.forwardNs(at4k, 132)).isEqualTo(150_000);
        assertThat(measured.backwardNs(at4k, 132)).isEqualTo(420_000);
        // Two sequences: the model's time for two, scaled by the measured ratio.
        AttentionShape two = AttentionShape.selfAttention(2, 4096, 16, 1, 128, 128, true, DataType.BF16);
        assertThat(measured.forwardNs(two, 132))
                .isEqualTo(Math.round(model.forwardNs(two, 132) * (150_000.0 / model.forwardNs(at4k, 132))));
        // Between the measured lengths: a ratio between theirs.
        AttentionShape at8k = AttentionShape.selfAttention(1, 8192, 16, 1, 128, 128, true, DataType.BF16);
        double r1 = 150_000.0 / model.forwardNs(at4k, 132);
        double r2 = 1_700_000.0 / model.forwardNs(AttentionShape.selfAttention(1, 16384, 16, 1, 128, 128, true,
                DataType.BF16), 132);
        double mid = measured.forwardNs(at8k, 132) / (double) model.forwardNs(at8k, 132);
        assertThat(mid).isBetween(Math.min(r1, r2) - 1e-6, Math.max(r1, r2) + 1e-6);
        // Outside the measured box (shorter, more heads), an unmeasured mask or type: the model alone.
        AttentionShape shorter = AttentionShape.selfAttention(1, 2048, 16, 1, 128, 128, true, DataType.BF16);
        assertThat(measured.forwardNs(shorter, 132)).isEqualTo(model.forwardNs(shorter, 132));
        AttentionShape full = AttentionShape.selfAttention(1, 4096, 16, 1, 128, 128, false, DataType.BF16);
        assertThat(measured.forwardNs(full, 132)).isEqualTo(model.forwardNs(full, 132));
        AttentionShape fp8 = AttentionShape.selfAttention(1, 4096, 16, 1, 128, 128, true, DataType.FP8);
        assertThat(measured.forwardNs(fp8, 132)).isEqualTo(model.forwardNs(fp8, 132));
        // The backward table has only the 4k point: a longer sequence is outside it.
        assertThat(measured.backwardNs(at8k, 132)).isEqualTo(model.backwardNs(at8k, 132));
        // Fewer SMs scale through the model.
        assertThat(measured.forwardNs(at4k, 66)).isGreaterThan(150_000);
    }

    @Test
    void attentionFlopsAndPairs() {
        AttentionShape causal = AttentionShape.selfAttention(1, 4, 1, 1, 2, 2, true, DataType.BF16);
        assertThat(causal.scoredPairs()).isEqualTo(10);
        assertThat(causal.forwardFlops()).isEqualTo(2.0 * 10 * 4);
        assertThat(causal.backwardFlops()).isEqualTo(2.0 * 10 * 10);
        AttentionShape decode = new AttentionShape(1, 1, 100, 1, 1, 2, 2, true, DataType.BF16);
        assertThat(decode.scoredPairs()).isEqualTo(100);
        assertThatThrownBy(() -> AttentionShape.selfAttention(1, 4, 6, 4, 2, 2, true, DataType.BF16))
                .hasMessageContaining("multiple of kvHeads");
    }

    @Test
    void attentionBehavesLikeFlashAttention() throws Exception {
        FlashAttentionModel fa = new FlashAttentionModel(gpu("h100-sxm"));
        AttentionShape full = AttentionShape.selfAttention(2, 8192, 32, 8, 128, 128, false, DataType.BF16);
        AttentionShape causal = AttentionShape.selfAttention(2, 8192, 32, 8, 128, 128, true, DataType.BF16);
        AttentionShape mha = AttentionShape.selfAttention(2, 8192, 32, 32, 128, 128, true, DataType.BF16);
        long f = fa.forwardNs(full, 132);
        long c = fa.forwardNs(causal, 132);
        assertThat((double) c / f).isBetween(0.5, 0.6);
        assertThat(fa.forwardNs(mha, 132)).isEqualTo(c);
        assertThat(fa.backwardNs(causal, 132)).isGreaterThan(2 * c);
        assertThat(fa.forwardNs(causal, 66)).isGreaterThan(c);
        // Long sequences approach the asymptote: hdim 128 at 16k ≈ 621 TFLOPS (pytorch/benchmark #2391).
        AttentionShape paper = AttentionShape.selfAttention(1, 16384, 16, 16, 128, 128, false, DataType.BF16);
        double tflops = paper.forwardFlops() / fa.forwardNs(paper, 132) / 1e3;
        assertThat(tflops).isBetween(580.0, 640.0);
    }

    // ---- memory-bound ---------------------------------------------------------------------------

    @Test
    void memoryKernelsAreBytesOverBandwidth() throws Exception {
        HbmMemoryModel m = new HbmMemoryModel(gpu("h100-sxm"));
        // 2000 ns + 2^30 B / (3350 B/ns * 0.85) = 2000 + 377082.3
        assertThat(m.timeNs(MemoryOp.ELEMENTWISE, 1L << 30, 132)).isEqualTo(379_082);
        assertThat(m.timeNs(MemoryOp.PERMUTE, 1L << 30, 132)).isGreaterThan(m.timeNs(MemoryOp.ELEMENTWISE, 1L << 30, 132));
        assertThat(m.timeNs(MemoryOp.NORM, 0, 132)).isZero();
        assertThat(m.timeNs(MemoryOp.NORM, 1L << 30, 66)).isEqualTo(m.timeNs(MemoryOp.NORM, 1L << 30, 132));
        assertThat(m.timeNs(MemoryOp.NORM, 1L << 30, 33)).isGreaterThan(m.timeNs(MemoryOp.NORM, 1L << 30, 66));
        MeasuredMemoryModel measured = new MeasuredMemoryModel(m, 132,
                List.of(new MemoryMeasurement(MemoryOp.ELEMENTWISE, 1L << 30, 400.0, Double.NaN, Double.NaN, 0)));
        assertThat(measured.timeNs(MemoryOp.ELEMENTWISE, 1L << 30, 132)).isEqualTo(400_000);
        assertThat(measured.timeNs(MemoryOp.ELEMENTWISE, 1L << 20, 132)).isEqualTo(m.timeNs(MemoryOp.ELEMENTWISE, 1L << 20, 132));
    }

    // ---- collectives ----------------------------------------------------------------------------

    @Test
    void nvlsAllReduceByHand() throws Exception {
        AnalyticalCollectiveModel c = new AnalyticalCollectiveModel(gpu("h100-sxm"));
        // 25 us + 2^32 B / (450 GB/s * 0.60) = 25000 + 15907286 ns
        CollectiveEstimate e = c.estimate(Collective.ALL_REDUCE, new CommGroup(8, 8), 1L << 32,
                CollectiveAlgorithm.NVLS, CollectiveCostModel.ANY_SMS);
        assertThat(e.timeNs()).isEqualTo(15_932_286);
        // ring: 6.6 + 14*0.6 us + 1.75 * 2^32 / (450*0.813)
        long ring = c.estimate(Collective.ALL_REDUCE, new CommGroup(8, 8), 1L << 32, CollectiveAlgorithm.RING,
                CollectiveCostModel.ANY_SMS).timeNs();
        assertThat(ring).isEqualTo(Math.round(15_000 + 1.75 * (1L << 32) / (450 * 0.813)));
    }

    @Test
    void collectiveInvariants() throws Exception {
        AnalyticalCollectiveModel c = new AnalyticalCollectiveModel(gpu("h800-sxm"));
        Random r = new Random(7);
        for (int i = 0; i < 300; i++) {
            Collective op = Collective.values()[r.nextInt(Collective.values().length)];
            int perNode = 1 << r.nextInt(4);
            int nodes = 1 + r.nextInt(16);
            CommGroup g = new CommGroup(perNode * nodes, perNode);
            long bytes = 1L + r.nextInt(1 << 30);
            long t = c.timeNs(op, g, bytes, CollectiveCostModel.ANY_SMS);
            assertThat(c.timeNs(op, g, 2 * bytes, CollectiveCostModel.ANY_SMS)).as("%s %s", op, g).isGreaterThanOrEqualTo(t);
            assertThat(c.timeNs(op, g, bytes, 4)).as("few SMs").isGreaterThanOrEqualTo(t);
            CollectiveEstimate e = c.estimate(op, g, bytes, CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS);
            if (g.ranks() > 1) {
                double bus = e.busGBps(op, bytes, g.ranks());
                double limit = g.singleNode() ? 200 / 0.6 * 1.75 : 200 * 2;
                assertThat(bus).as("%s %s %d", op, g, bytes).isLessThan(limit);
            }
        }
        assertThat(c.timeNs(Collective.ALL_REDUCE, new CommGroup(1, 1), 1 << 20, CollectiveCostModel.ANY_SMS)).isZero();
        assertThat(c.timeNs(Collective.ALL_REDUCE, new CommGroup(8, 8), 0, CollectiveCostModel.ANY_SMS)).isZero();
    }

    @Test
    void crossNodeAllReducePicksHierarchicalAndIsNicBound() throws Exception {
        AnalyticalCollectiveModel c = new AnalyticalCollectiveModel(gpu("h100-sxm"));
        long bytes = 8L << 30;
        CollectiveEstimate e = c.estimate(Collective.ALL_REDUCE, new CommGroup(16, 8), bytes, CollectiveAlgorithm.AUTO,
                CollectiveCostModel.ANY_SMS);
        assertThat(e.algorithm()).isEqualTo(CollectiveAlgorithm.HIERARCHICAL);
        CollectiveEstimate ring = c.estimate(Collective.ALL_REDUCE, new CommGroup(16, 8), bytes, CollectiveAlgorithm.RING,
                CollectiveCostModel.ANY_SMS);
        // A ring over 2 nodes is bound by 8 NICs x 50 GB/s x 0.9: bus bandwidth 360 GB/s.
        assertThat(ring.busGBps(Collective.ALL_REDUCE, bytes, 16)).isCloseTo(360, org.assertj.core.data.Offset.offset(2.0));
    }

    @Test
    void collectiveAlgorithmsThatDoNotApplyAreRejected() throws Exception {
        AnalyticalCollectiveModel a100 = new AnalyticalCollectiveModel(gpu("a100-sxm"));
        assertThatThrownBy(() -> a100.estimate(Collective.ALL_REDUCE, new CommGroup(8, 8), 1024, CollectiveAlgorithm.NVLS,
                CollectiveCostModel.ANY_SMS)).hasMessageContaining("has no NVLS");
        AnalyticalCollectiveModel h100 = new AnalyticalCollectiveModel(gpu("h100-sxm"));
        assertThatThrownBy(() -> h100.estimate(Collective.ALL_REDUCE, new CommGroup(16, 8), 1024, CollectiveAlgorithm.NVLS,
                CollectiveCostModel.ANY_SMS)).hasMessageContaining("spans 2 nodes");
        assertThatThrownBy(() -> h100.estimate(Collective.ALL_TO_ALL, new CommGroup(8, 8), 1024, CollectiveAlgorithm.RING,
                CollectiveCostModel.ANY_SMS)).hasMessage("algorithm ring does not apply to alltoall");
        assertThatThrownBy(() -> new CommGroup(12, 8)).hasMessageContaining("must divide");
    }

    @Test
    void fewCommunicationSmsCapTheRate() throws Exception {
        AnalyticalCollectiveModel c = new AnalyticalCollectiveModel(gpu("h800-sxm"));
        long bytes = 1L << 30;
        CollectiveEstimate capped = c.estimate(Collective.ALL_TO_ALL, new CommGroup(8, 8), bytes, CollectiveAlgorithm.FLAT, 4);
        // 4 SMs x 24.6 GB/s = 98.4 GB/s for the 7/8 of the buffer that leaves the GPU.
        assertThat(capped.timeNs() / 1e3).isCloseTo(6.6 + 0.6 + bytes * 7.0 / 8 / 98.4 / 1e3, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void measuredCollectiveTableReproducesItsPoints() throws Exception {
        AnalyticalCollectiveModel model = new AnalyticalCollectiveModel(gpu("h100-sxm"));
        MeasuredCollectiveModel m = new MeasuredCollectiveModel(model, List.of(
                new CollectiveMeasurement(Collective.ALL_REDUCE, 8, 8, 1L << 20, "float", 40.0, 26.2, 45.9),
                new CollectiveMeasurement(Collective.ALL_REDUCE, 8, 8, 1L << 30, "float", 4000.0, 268.4, 469.8)));
        CollectiveEstimate at = m.estimate(Collective.ALL_REDUCE, new CommGroup(8, 8), 1L << 30, CollectiveAlgorithm.AUTO,
                CollectiveCostModel.ANY_SMS);
        assertThat(at.timeNs()).isEqualTo(4_000_000);
        assertThat(at.measured()).isTrue();
        CollectiveEstimate between = m.estimate(Collective.ALL_REDUCE, new CommGroup(8, 8), 1L << 25,
                CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS);
        assertThat(between.timeNs()).isBetween(40_000L, 4_000_000L);
        // Outside the range, another group, or a forced algorithm: the model.
        assertThat(m.estimate(Collective.ALL_REDUCE, new CommGroup(8, 8), 1L << 32, CollectiveAlgorithm.AUTO,
                CollectiveCostModel.ANY_SMS).measured()).isFalse();
        assertThat(m.estimate(Collective.ALL_REDUCE, new CommGroup(4, 4), 1L << 30, CollectiveAlgorithm.AUTO,
                CollectiveCostModel.ANY_SMS).measured()).isFalse();
        assertThat(m.estimate(Collective.ALL_REDUCE, new CommGroup(8, 8), 1L << 30, CollectiveAlgorithm.RING,
                CollectiveCostModel.ANY_SMS).measured()).isFalse();
    }

    @Test
    void busFactorsAreNcclTests() {
        assertThat(Collective.ALL_REDUCE.busFactor(8)).isEqualTo(1.75);
        assertThat(Collective.ALL_GATHER.busFactor(8)).isEqualTo(0.875);
        assertThat(Collective.REDUCE_SCATTER.busFactor(4)).isEqualTo(0.75);
        assertThat(Collective.ALL_TO_ALL.busFactor(16)).isEqualTo(0.9375);
        assertThat(Collective.SEND_RECV.busFactor(2)).isEqualTo(1.0);
        assertThat(Collective.fromId("all_reduce")).isEqualTo(Collective.ALL_REDUCE);
    }
}
