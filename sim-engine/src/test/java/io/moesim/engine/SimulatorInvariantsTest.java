package io.moesim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties that must hold for any graph, over seeded random graphs. */
class SimulatorInvariantsTest {
    private static final int GRAPHS = 250;

    /** A random topology and graph, reproducible from {@code seed}; link scaled by {@code scale} if given. */
    static TaskGraph randomGraph(long seed, int scaledLink, double scale) {
        Random r = new Random(seed);
        int perNode = 1 << r.nextInt(3);
        int nodes = 1 + r.nextInt(4);
        int gpus = perNode * nodes;
        Topology topo = new Topology(gpus, perNode, 100, 50 + r.nextInt(400), 5 + r.nextInt(50), 1 + r.nextInt(3));
        if (scaledLink >= 0) {
            topo = topo.withLinkScaled(scaledLink % topo.linkCount(), scale);
        }
        TaskGraph.Builder b = TaskGraph.builder(topo);
        int tasks = 5 + r.nextInt(60);
        for (int i = 0; i < tasks; i++) {
            int[] deps = randomDeps(r, b.size());
            int kind = r.nextInt(10);
            int g = r.nextInt(gpus);
            if (kind < 5 || gpus == 1) {
                b.compute(g, r.nextInt(2), "c" + i, Category.GEMM, r.nextInt(50_000), 1e9, deps);
            } else if (kind < 8) {
                int dst = r.nextInt(gpus);
                if (dst == g) {
                    dst = (g + 1) % gpus;
                }
                b.transfer(g, 1 + r.nextInt(2), dst, 1 + r.nextInt(2), 1 + r.nextInt(5_000_000), "t" + i,
                        Category.EP_COMM, r.nextInt(5_000), r.nextInt(30), deps);
            } else {
                TaskGraph.Communication c = b.communication("a2a" + i, Category.EP_COMM).latencyNs(r.nextInt(3_000))
                        .smsHeld(r.nextInt(25));
                int stream = 1 + r.nextInt(2);
                for (int s = 0; s < gpus; s++) {
                    c.participant(s, stream);
                    for (int d = 0; d < gpus; d++) {
                        if (d != s) {
                            c.flow(s, d, r.nextInt(200_000));
                        }
                    }
                }
                c.add(deps);
            }
        }
        return b.build();
    }

    private static int[] randomDeps(Random r, int next) {
        if (next == 0) {
            return new int[0];
        }
        int count = r.nextInt(Math.min(3, next) + 1);
        int[] deps = new int[count];
        for (int i = 0; i < count; i++) {
            deps[i] = r.nextInt(next);
        }
        return deps;
    }

    @Test
    void spansAreWellFormedAndDependenciesHold() {
        for (long seed = 0; seed < GRAPHS; seed++) {
            TaskGraph g = randomGraph(seed, -1, 1);
            SimulationResult r = Simulator.run(g);
            List<Span> spans = new ArrayList<>(r.spans());
            spans.sort(Comparator.comparingInt(Span::gpu).thenComparingInt(Span::stream).thenComparingLong(Span::startNs)
                    .thenComparingLong(Span::endNs));
            for (int i = 0; i < spans.size(); i++) {
                Span s = spans.get(i);
                assertThat(s.endNs()).as("seed %d", seed).isGreaterThanOrEqualTo(s.startNs());
                if (i > 0 && spans.get(i - 1).gpu() == s.gpu() && spans.get(i - 1).stream() == s.stream()) {
                    assertThat(s.startNs()).as("seed %d: overlap on gpu %d stream %d", seed, s.gpu(), s.stream())
                            .isGreaterThanOrEqualTo(spans.get(i - 1).endNs());
                }
            }
            for (int t = 0; t < g.size(); t++) {
                for (int d : g.dependencies(t)) {
                    assertThat(r.startNs(t)).as("seed %d task %d after %d", seed, t, d).isGreaterThanOrEqualTo(r.endNs(d));
                }
            }
            assertThat(spans).hasSizeGreaterThanOrEqualTo(g.size());
        }
    }

    @Test
    void metricsStayInRangeAndBytesBalance() {
        for (long seed = 0; seed < GRAPHS; seed++) {
            TaskGraph g = randomGraph(seed, -1, 1);
            SimulationResult r = Simulator.run(g);
            double sent = 0;
            double received = 0;
            for (int gpu = 0; gpu < g.topology().gpus(); gpu++) {
                assertThat(r.makespanNs()).isGreaterThanOrEqualTo(r.computeBusyNs(gpu));
                assertThat(r.exposedCommunicationNs(gpu)).isBetween(0L, r.makespanNs());
                assertThat(r.overlapRatio(gpu)).isBetween(0.0, 1.0);
                sent += r.bytesSent(gpu);
                received += r.bytesReceived(gpu);
            }
            assertThat(sent).as("seed %d", seed).isEqualTo(received);
            for (int l = 0; l < g.topology().linkCount(); l++) {
                assertThat(r.linkUtilisation(l)).as("seed %d link %s", seed, g.topology().linkName(l))
                        .isBetween(0.0, 1.0 + 1e-9);
            }
        }
    }

    /**
     * A faster link must not make the run slower, except through scheduling anomalies: greedy list
     * scheduling with max-min fair sharing is not monotone in general (Graham 1969; a flow that gains
     * on the faster link starts another sooner, which then takes half of a shared link from a critical
     * flow; {@code SimulatorTest#aFasterLinkCanDelayTheCriticalFlowUnderFairSharing} works one out by hand).
     * Measured on these generators (2026-11-30): 2 of the 1000 trials here are slower (seeds 151 and 216,
     * by 0.001% and 0.03%), 9 of 8000 over seeds 0-1999 (worst 0.11%); all nine stay when every time and
     * size is multiplied by 1000, so they are the sharing anomaly, not integer-nanosecond rounding. The
     * bound: at most 0.5% of the trials and never more than 1% slower.
     */
    @Test
    void doublingALinkAlmostNeverSlowsTheRun() {
        int trials = 0;
        int slower = 0;
        double worst = 0;
        for (long seed = 0; seed < GRAPHS; seed++) {
            long base = Simulator.run(randomGraph(seed, -1, 1)).makespanNs();
            for (int link = 0; link < 4; link++) {
                int chosen = (int) ((seed * 7 + link * 13) & 0xff);
                long faster = Simulator.run(randomGraph(seed, chosen, 2)).makespanNs();
                trials++;
                if (faster > base) {
                    slower++;
                    worst = Math.max(worst, (faster - base) / (double) base);
                }
            }
        }
        assertThat(slower).as("trials slower after doubling a link").isLessThanOrEqualTo(trials / 200);
        assertThat(worst).as("worst relative slowdown").isLessThanOrEqualTo(0.01);
    }

    @Test
    void doublingALinkNeverSlowsAChainOfTransfers() {
        for (long seed = 0; seed < GRAPHS; seed++) {
            Random r = new Random(seed);
            Topology topo = new Topology(8, 4, 100, 100, 20, 1);
            int link = r.nextInt(topo.linkCount());
            long[] makespan = new long[2];
            for (int v = 0; v < 2; v++) {
                Random rr = new Random(seed);
                TaskGraph.Builder b = TaskGraph.builder(v == 0 ? topo : topo.withLinkScaled(link, 2));
                int previous = b.compute(0, 0, "start", Category.GEMM, 1_000, 0);
                for (int i = 0; i < 20; i++) {
                    int src = rr.nextInt(8);
                    int dst = (src + 1 + rr.nextInt(7)) % 8;
                    previous = b.transfer(src, 1, dst, 1, 1 + rr.nextInt(1_000_000), "t" + i, Category.PP_COMM,
                            rr.nextInt(2_000), 0, previous);
                }
                makespan[v] = Simulator.run(b.build()).makespanNs();
            }
            assertThat(makespan[1]).as("seed %d", seed).isLessThanOrEqualTo(makespan[0]);
        }
    }

    @Test
    void sameGraphGivesABitIdenticalResult() {
        for (long seed = 0; seed < 50; seed++) {
            SimulationResult a = Simulator.run(randomGraph(seed, -1, 1));
            SimulationResult b = Simulator.run(randomGraph(seed, -1, 1));
            assertThat(a.spans()).isEqualTo(b.spans());
            assertThat(a.makespanNs()).isEqualTo(b.makespanNs());
        }
    }
}
