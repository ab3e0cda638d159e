package io.moesim.benchmarks;

import io.moesim.model.ModelCatalog;
import io.moesim.profiles.Profiles;
import io.moesim.profiles.cost.ProfileCostModel;
import io.moesim.scenario.BatchSpec;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.DataType;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RoutingSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import io.moesim.search.Evaluation;
import io.moesim.search.Layout;
import io.moesim.search.TrainingSimulator;
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
 * Layout evaluations per second: the cost of the layout search's fitness function, which bounds how many
 * layouts {@code moe-sim search} can afford (its budget) per core and second. Each operation evaluates one
 * layout exactly as the search does, bypassing its cache:
 *
 * <ul>
 *   <li>{@code qwen3On256H100}: Qwen3-235B-A22B on 32×8 H100s, 2048 sequences of 4096 tokens, TP2 PP8 VPP4
 *       EP32, DeepEP, selective recompute (validation/scenarios/qwen3-235b-h100x256-deepep.json): the memory
 *       check, then the simulated training step (128 micro-batches through 8 stages).</li>
 *   <li>{@code qwen3DoesNotFit}: the same with TP1 PP1 EP128 and no recompute, which the memory model rejects
 *       without simulating — the cheap path that a third to a half of the valid layouts take.</li>
 * </ul>
 *
 * <p>Throughput on one thread; the search runs one evaluation per core. Parallel collector, as the launcher
 * uses.
 *
 * <pre>
 *   java -jar benchmarks/target/moe-sim-benchmarks.jar LayoutEvaluation
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xmx4g"})
@State(Scope.Benchmark)
public class LayoutEvaluationBenchmark {
    private TrainingSimulator simulator;
    private Scenario base;
    private Layout fits;
    private Layout tooBig;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        var profile = Profiles.bundled("h100-sxm");
        simulator = TrainingSimulator.of(ProfileCostModel.of(profile), profile.gpu().peakTflops().get(DataType.BF16),
                profile.gpu().hbmBytes());
        base = new Scenario("qwen3-235b-h100x256-deepep", Workload.TRAINING_STEP,
                ModelCatalog.builtIn().require("qwen3-235b-a22b"), ClusterSpec.of("h100-sxm", 32, 8),
                new ParallelLayout(2, 8, 4, 1, 32, 1, false, 1), new BatchSpec(4096, 2048, 1), Precision.BF16,
                Recompute.SELECTIVE, new MoeConfig(Dispatcher.DEEPEP, RoutingSpec.balanced(), null),
                StrategySpec.defaults(), null, null);
        fits = Layout.of(base);
        tooBig = new Layout(32, 1, 1, 1, 1, 128, 1, 1, Recompute.NONE, Dispatcher.DEEPEP, false);
        Evaluation a = simulator.evaluate(fits, fits.applyTo(base));
        Evaluation b = simulator.evaluate(tooBig, tooBig.applyTo(base));
        if (!a.feasible() || b.simulated()) {
            throw new IllegalStateException("benchmark layouts no longer behave as described: " + a + ", " + b);
        }
    }

    @Benchmark
    public double qwen3On256H100() {
        return simulator.evaluate(fits, fits.applyTo(base)).tokensPerSecondPerGpu();
    }

    @Benchmark
    public double qwen3DoesNotFit() {
        return simulator.evaluate(tooBig, tooBig.applyTo(base)).peakMemoryGiB();
    }
}
