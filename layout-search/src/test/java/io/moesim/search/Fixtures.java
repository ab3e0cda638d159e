package io.moesim.search;

import io.moesim.model.ModelCatalog;
import io.moesim.profiles.HardwareProfile;
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
import io.moesim.scenario.Scenario;
import io.moesim.scenario.ScenarioRules;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Small, cheap scenarios and simulators shared by the tests. */
final class Fixtures {
    private static TrainingSimulator h100;

    private Fixtures() {
    }

    /** OLMoE-1B-7B (16 layers, 64 experts) on {@code nodes} x 8 H100s, sequences of 2048, 32 per step. */
    static Scenario olmoe(int nodes) {
        return new Scenario("olmoe-test", Workload.TRAINING_STEP, ModelCatalog.builtIn().require("olmoe-1b-7b"),
                ClusterSpec.of("h100-sxm", nodes, 8), new ParallelLayout(1, 1, 1, 1, 8, 1, false, 1),
                new BatchSpec(2048, 32, 1), Precision.BF16, Recompute.NONE, MoeConfig.defaults(), StrategySpec.defaults(),
                null, null);
    }

    /** A space of a few hundred valid OLMoE layouts on 16 GPUs. */
    static SearchSpace smallSpace() {
        return SearchSpace.builder(olmoe(2)).tp(1, 2, 4).pp(1, 2, 4).vpp(1, 2).ep(2, 4, 8, 16).microBatch(1, 2)
                .recompute(Recompute.NONE, Recompute.SELECTIVE).dispatchers(Dispatcher.ALLTOALL, Dispatcher.DEEPEP).build();
    }

    /** A space of a few dozen valid layouts. */
    static SearchSpace tinySpace() {
        return SearchSpace.builder(olmoe(2)).tp(1, 2).pp(1, 2).vpp(1).ep(4, 8).microBatch(1, 2)
                .recompute(Recompute.NONE, Recompute.FULL).a2aOverlap(false).build();
    }

    /** The real simulator with the bundled H100 profile. */
    static synchronized TrainingSimulator h100() throws Exception {
        if (h100 == null) {
            HardwareProfile p = Profiles.bundled("h100-sxm");
            h100 = TrainingSimulator.of(ProfileCostModel.of(p), p.gpu().peakTflops().get(DataType.BF16), p.gpu().hbmBytes());
        }
        return h100;
    }

    /**
     * Wraps a simulator: counts its calls, remembers which layouts it saw, and counts those that break a layout
     * rule (which must never happen).
     */
    static final class Counting implements TrainingSimulator {
        final TrainingSimulator inner;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong invalid = new AtomicLong();
        final Set<Layout> seen = ConcurrentHashMap.newKeySet();
        final AtomicLong repeated = new AtomicLong();

        Counting(TrainingSimulator inner) {
            this.inner = inner;
        }

        @Override
        public Evaluation evaluate(Layout layout, Scenario scenario) {
            calls.incrementAndGet();
            if (!ScenarioRules.check(scenario).isEmpty() || !Layout.of(scenario).equals(layout)) {
                invalid.incrementAndGet();
            }
            if (!seen.add(layout)) {
                repeated.incrementAndGet();
            }
            return inner.evaluate(layout, scenario);
        }
    }

    /**
     * A cheap deterministic stand-in for the simulator with a rugged landscape: throughput from a hash of the
     * layout, and layouts with {@code tp·pp == 1} and {@code microBatch 2} "not fitting".
     */
    static TrainingSimulator synthetic() {
        return (layout, scenario) -> {
            int gpus = scenario.cluster().gpuCount();
            if (layout.tp() * layout.pp() == 1 && layout.microBatch() == 2) {
                return Evaluation.doesNotFit(layout, gpus, 90, 80);
            }
            double tps = 1000 + Math.floorMod(layout.hashCode() * 31 + 7, 997) + 100.0 * layout.pp() / layout.tp();
            return new Evaluation(layout, gpus, true, true, 1e6 / tps, tps, tps / 100, 0.3, 40, 80);
        };
    }
}
