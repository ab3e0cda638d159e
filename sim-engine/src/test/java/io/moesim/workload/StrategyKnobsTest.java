package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.engine.SimulationListener;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
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
        assertThat(overlap.computeSeconds()).isEqualTo(plain.computeSeconds());
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
        assertThat(StrategyKnobs.modelled("hecate")).isFalse();
        assertThat(StrategyKnobs.modelled("tutel")).isTrue();
        assertThat(new StrategySpec("comet", false).knobs().pipelineDegree()).isEqualTo(8);
    }
}
