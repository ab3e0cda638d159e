package io.moesim.benchmarks;

import io.moesim.cost.AttentionShape;
import io.moesim.cost.Collective;
import io.moesim.cost.CollectiveCostModel;
import io.moesim.cost.CommGroup;
import io.moesim.cost.CostModel;
import io.moesim.cost.MemoryOp;
import io.moesim.profiles.Profiles;
import io.moesim.profiles.cost.ProfileCostModel;
import io.moesim.profiles.table.GemmMeasurement;
import io.moesim.profiles.table.MeasuredTables;
import io.moesim.scenario.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost-model lookups sit in the simulator's inner loop: a training step of a 94-layer model with
 * pipeline and virtual stages asks for tens of thousands of GEMM, attention and collective times.
 * These benchmarks measure one lookup each, with shapes drawn from a seeded pool so the JIT cannot
 * constant-fold them.
 *
 * <pre>
 *   mvn -B -q package -pl benchmarks -am -DskipTests
 *   java -jar benchmarks/target/moe-sim-benchmarks.jar CostLookup
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CostLookupBenchmark {
    private static final int POOL = 1024;

    private CostModel h800;
    private CostModel h800Measured;
    private long[][] gemmShapes;
    private long[][] expertRows;
    private AttentionShape[] attention;
    private CommGroup[] groups;
    private long[] bytes;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        h800 = ProfileCostModel.of(Profiles.bundled("h800-sxm"));
        SplittableRandom r = new SplittableRandom(2026);
        List<GemmMeasurement> table = new ArrayList<>();
        for (int m = 64; m <= 16384; m *= 2) {
            for (int n = 1024; n <= 16384; n *= 2) {
                table.add(new GemmMeasurement(m, n, 7168, DataType.FP8, 1, 10 + m * n / 1e6, Double.NaN, Double.NaN, 0));
            }
        }
        h800Measured = ProfileCostModel.of(new io.moesim.profiles.HardwareProfile(h800Profile().gpu(),
                h800Profile().provenance(), h800Profile().date(), "", new MeasuredTables(table, List.of(), List.of(), List.of())));
        gemmShapes = new long[POOL][];
        expertRows = new long[POOL][];
        attention = new AttentionShape[POOL];
        groups = new CommGroup[POOL];
        bytes = new long[POOL];
        for (int i = 0; i < POOL; i++) {
            gemmShapes[i] = new long[]{64 + r.nextInt(16384), 1024 + r.nextInt(15360), 1024 + r.nextInt(15360)};
            long[] rows = new long[32];
            for (int e = 0; e < rows.length; e++) {
                rows[e] = r.nextInt(4096);
            }
            expertRows[i] = rows;
            attention[i] = AttentionShape.selfAttention(1, 1024L * (1 + r.nextInt(8)), 128, 128, 192, 128, true,
                    DataType.BF16);
            int perNode = 1 << r.nextInt(4);
            groups[i] = new CommGroup(perNode * (1 + r.nextInt(16)), perNode);
            bytes[i] = 1L + r.nextLong(1L << 30);
        }
    }

    private static io.moesim.profiles.HardwareProfile h800Profile() throws Exception {
        return Profiles.bundled("h800-sxm");
    }

    private int index() {
        next = (next + 1) & (POOL - 1);
        return next;
    }

    @Benchmark
    public long gemm() {
        long[] s = gemmShapes[index()];
        return h800.gemm().timeNs(s[0], s[1], s[2], DataType.FP8, 112);
    }

    @Benchmark
    public long gemmFromMeasuredTable() {
        long[] s = gemmShapes[index()];
        return h800Measured.gemm().timeNs(s[0], s[1], s[2], DataType.FP8, 112);
    }

    @Benchmark
    public long groupedGemm32Experts() {
        return h800.gemm().groupedTimeNs(expertRows[index()], 4096, 7168, DataType.FP8, 112);
    }

    @Benchmark
    public long attentionForward() {
        return h800.attention().forwardNs(attention[index()], 112);
    }

    @Benchmark
    public long allReduce() {
        int i = index();
        return h800.collectives().timeNs(Collective.ALL_REDUCE, groups[i], bytes[i], CollectiveCostModel.ANY_SMS);
    }

    @Benchmark
    public long allToAll() {
        int i = index();
        return h800.collectives().timeNs(Collective.ALL_TO_ALL, groups[i], bytes[i], 24);
    }

    @Benchmark
    public long memoryBound() {
        return h800.memory().timeNs(MemoryOp.NORM, bytes[index()], 112);
    }
}
