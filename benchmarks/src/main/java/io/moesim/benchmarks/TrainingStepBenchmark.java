package io.moesim.benchmarks;

import io.moesim.engine.SimulationListener;
import io.moesim.model.ModelCatalog;
import io.moesim.profiles.Profiles;
import io.moesim.profiles.cost.ProfileCostModel;
import io.moesim.scenario.BatchSpec;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.RoutingSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import io.moesim.workload.TrainingStepWorkload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One DeepSeek-V3 training step on 2048 H800s (TP1, PP16, EP64, FP8, zipf routing, 120 micro-batches per
 * pipeline; examples/deepseek-v3-h800x2048-zipf.json), the scale target: building the graph and
 * simulating it. {@code globalBatch} varies the micro-batches per pipeline (global batch / 128 data-parallel
 * replicas: 30, 60, 120, 240) to show how the time scales.
 *
 * <pre>
 *   java -jar benchmarks/target/moe-sim-benchmarks.jar TrainingStep
 *   java -jar benchmarks/target/moe-sim-benchmarks.jar TrainingStep -p globalBatch=15360
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xmx4g"})
@State(Scope.Benchmark)
public class TrainingStepBenchmark {
    @Param({"3840", "7680", "15360", "30720"})
    public int globalBatch;

    private Scenario deepSeek;
    private ProfileCostModel h800;
    private double peak;
    private double hbm;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        var profile = Profiles.bundled("h800-sxm");
        h800 = ProfileCostModel.of(profile);
        peak = profile.gpu().peakTflops().get(io.moesim.scenario.DataType.FP8);
        hbm = profile.gpu().hbmBytes();
        deepSeek = new Scenario("deepseek-v3-h800x2048-zipf", Workload.TRAINING_STEP,
                ModelCatalog.builtIn().require("deepseek-v3"), ClusterSpec.of("h800-sxm", 256, 8),
                new ParallelLayout(1, 16, 1, 1, 64, 1, false, 1), new BatchSpec(4096, globalBatch, 1), Precision.FP8,
                Recompute.SELECTIVE, new MoeConfig(Dispatcher.DEEPEP, new RoutingSpec(RoutingKind.ZIPF, 0.6, null, 1), null),
                StrategySpec.defaults(), null, null);
    }

    @Benchmark
    public double deepSeekV3On2048H800() {
        return TrainingStepWorkload.run(deepSeek, h800, peak, hbm, SimulationListener.NONE).stepTimeSeconds();
    }
}
