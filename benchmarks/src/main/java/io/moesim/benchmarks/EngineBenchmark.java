package io.moesim.benchmarks;

import io.moesim.engine.Category;
import io.moesim.engine.SimulationResult;
import io.moesim.engine.Simulator;
import io.moesim.engine.TaskGraph;
import io.moesim.engine.Topology;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Engine throughput. Each benchmark simulates one prebuilt graph; divide the graph's event count
 * (printed once at set-up, also {@link SimulationResult#events()}) by the time per operation to get
 * events per second.
 *
 * <ul>
 *   <li>{@code synthetic}: 64 GPUs in 8 nodes, each with a chain of compute kernels on stream 0 and, every
 *       fourth kernel, a point-to-point transfer to a neighbour on stream 1 (pipeline-like).</li>
 *   <li>{@code allToAllHeavy}: 64 GPUs, layers of compute followed by an all-to-all over all 64 GPUs that
 *       holds 24 SMs (DeepEP-like), so link sharing and SM contention are recomputed constantly.</li>
 * </ul>
 *
 * <p>Runs with the parallel collector, as the {@code moe-sim} launcher does: the engine's per-run arrays
 * are large and short-lived, and G1 allocates them as humongous objects (about 25% slower).
 *
 * <pre>
 *   java -jar benchmarks/target/moe-sim-benchmarks.jar Engine -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC")
@State(Scope.Benchmark)
public class EngineBenchmark {
    @Param({"2000"})
    public int kernelsPerGpu;

    private TaskGraph synthetic;
    private TaskGraph allToAll;

    @Setup(Level.Trial)
    public void setUp() {
        synthetic = synthetic(kernelsPerGpu);
        allToAll = allToAllHeavy(kernelsPerGpu / 20);
        System.out.println("# synthetic: " + synthetic.size() + " tasks, " + Simulator.run(synthetic).events() + " events");
        System.out.println("# allToAllHeavy: " + allToAll.size() + " tasks, " + Simulator.run(allToAll).events() + " events");
    }

    static TaskGraph synthetic(int kernels) {
        Topology topo = new Topology(64, 8, 132, 160, 45, 1);
        TaskGraph.Builder b = TaskGraph.builder(topo);
        SplittableRandom r = new SplittableRandom(1);
        int[] last = new int[64];
        java.util.Arrays.fill(last, -1);
        for (int k = 0; k < kernels; k++) {
            for (int g = 0; g < 64; g++) {
                int work = 5_000 + r.nextInt(50_000);
                last[g] = last[g] < 0 ? b.compute(g, 0, "k", Category.GEMM, work, 1e9)
                        : b.compute(g, 0, "k", Category.GEMM, work, 1e9, last[g]);
                if (k % 4 == 3) {
                    b.transfer(g, 1, (g + 8) % 64, 1, 1 << 20, "p2p", Category.PP_COMM, 2_000, 0, last[g]);
                }
            }
        }
        return b.build();
    }

    static TaskGraph allToAllHeavy(int layers) {
        Topology topo = new Topology(64, 8, 132, 160, 45, 1);
        TaskGraph.Builder b = TaskGraph.builder(topo);
        int previous = -1;
        for (int layer = 0; layer < layers; layer++) {
            int[] computes = new int[64];
            for (int g = 0; g < 64; g++) {
                computes[g] = previous < 0 ? b.compute(g, 0, "expert", Category.GEMM, 200_000, 1e12)
                        : b.compute(g, 0, "expert", Category.GEMM, 200_000, 1e12, previous);
            }
            TaskGraph.Communication c = b.communication("dispatch", Category.EP_COMM).latencyNs(10_000).smsHeld(24);
            for (int s = 0; s < 64; s++) {
                c.participant(s, 1);
                for (int d = 0; d < 64; d++) {
                    if (s != d) {
                        c.flow(s, d, 100_000 + 1_000 * ((s + d) % 7));
                    }
                }
            }
            previous = c.add(computes);
        }
        return b.build();
    }

    @Benchmark
    public void synthetic(Blackhole bh) {
        bh.consume(Simulator.run(synthetic).makespanNs());
    }

    @Benchmark
    public void allToAllHeavy(Blackhole bh) {
        bh.consume(Simulator.run(allToAll).makespanNs());
    }
}
