package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sweep knobs and sweeps, without a toolkit (a small Mixtral scenario: ~0.3 s per point). */
class SweepTest {
    private static ExecutorService pool;
    private static Scenario small;
    private static final Path FILE = Fixtures.resource("small-mixtral");

    @BeforeAll
    static void setUp() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        small = new ScenarioReader(ModelCatalog.builtIn()).read(FILE);
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void knobsChangeOneThing() {
        assertThat(SweepKnob.EP_SIZE.apply(small, "8").parallel().ep()).isEqualTo(8);
        Scenario skewed = SweepKnob.ROUTING_SKEW.apply(small, "0.8");
        assertThat(skewed.moe().routing().kind()).isEqualTo(RoutingKind.ZIPF);
        assertThat(skewed.moe().routing().skew()).isEqualTo(0.8);
        assertThat(SweepKnob.ROUTING_SKEW.apply(small, "0").moe().routing().kind()).isEqualTo(RoutingKind.UNIFORM);
        assertThat(SweepKnob.NIC_BANDWIDTH.apply(small, "50").cluster().nicGBps()).isEqualTo(50.0);
        assertThat(SweepKnob.GPU_TYPE.apply(small, "h200-sxm").cluster().gpu()).isEqualTo("h200-sxm");
        assertThat(SweepKnob.EP_SIZE.apply(small, "8").name()).isEqualTo("small-mixtral [ep=8]");
        assertThat(SweepKnob.EP_SIZE.apply(small, "8").parallel().tp()).isEqualTo(small.parallel().tp());
        assertThatThrownBy(() -> SweepKnob.EP_SIZE.apply(small, "eight")).hasMessageContaining("'eight'");
        assertThatThrownBy(() -> SweepKnob.ROUTING_SKEW.apply(small, "-1")).hasMessageContaining("negative");
    }

    @Test
    void defaultEpSizesAreTheValidPowersOfTwo() {
        // 16 GPUs, tp 2, pp 2: dp 4, tp*cp*dp = 8; Mixtral has 8 experts
        assertThat(SweepKnob.EP_SIZE.defaultValues(small)).containsExactly("1", "2", "4", "8");
        assertThat(SweepKnob.GPU_TYPE.defaultValues(small)).contains("h100-sxm", "b200");
        assertThat(SweepKnob.parseValues(" 1, 2  4,8 ")).containsExactly("1", "2", "4", "8");
    }

    @Test
    void aSweepSimulatesEveryValueInOrder() throws Exception {
        List<Integer> progress = Collections.synchronizedList(new ArrayList<>());
        List<SweepPoint> points = Sweep.run(small, FILE, SweepKnob.EP_SIZE, List.of("8", "16", "2"), pool, () -> false,
                progress::add);
        assertThat(points).extracting(SweepPoint::value).containsExactly("8", "16", "2");
        assertThat(points.get(0).ok()).isTrue();
        assertThat(points.get(0).stepTimeSeconds()).isPositive();
        assertThat(points.get(0).modelTflopsPerGpu()).isPositive();
        assertThat(points.get(1).ok()).isFalse();
        assertThat(points.get(1).problem()).contains("parallel.ep");
        assertThat(points.get(2).ok()).isTrue();
        assertThat(progress).hasSize(3).contains(3);
        // deterministic: the same value gives the same answer, whatever ran beside it
        List<SweepPoint> again = Sweep.run(small, FILE, SweepKnob.EP_SIZE, List.of("8"), pool, () -> false, d -> { });
        assertThat(again.get(0)).isEqualTo(points.get(0));
    }

    @Test
    void moreNicBandwidthNeverSlowsTheStep() throws Exception {
        List<SweepPoint> points = Sweep.run(small, FILE, SweepKnob.NIC_BANDWIDTH, List.of("5", "50"), pool, () -> false,
                d -> { });
        assertThat(points.get(1).stepTimeSeconds()).isLessThanOrEqualTo(points.get(0).stepTimeSeconds());
    }

    @Test
    void gpusWithoutFp8AreReportedForAnFp8Recipe() throws Exception {
        Scenario fp8 = new Scenario(small.name(), small.workload(), small.model(), small.cluster(), small.parallel(),
                small.batch(), io.moesim.scenario.Precision.FP8, small.recompute(), small.moe(), small.strategy(), null, null);
        SweepPoint p = Sweep.point(fp8, FILE, SweepKnob.GPU_TYPE, "a100-sxm", () -> false);
        assertThat(p.ok()).isFalse();
        assertThat(p.problem()).contains("fp8").contains("a100-sxm");
        assertThat(Sweep.point(fp8, FILE, SweepKnob.GPU_TYPE, "no-such-gpu", () -> false).problem())
                .contains("no-such-gpu");
    }

    @Test
    void aCancelledSweepStops() {
        assertThatThrownBy(() -> Sweep.run(small, FILE, SweepKnob.EP_SIZE, List.of("2", "4"), pool, () -> true, d -> { }))
                .isInstanceOf(CancellationException.class);
    }
}
