package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.engine.SimulationListener;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.Scenario;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load-per-EP-rank figures of {@link ResultsViewModel}, without a toolkit: one entry per rank equal to
 * the training step's arrays, the busiest-rank figure in the title, Zipf routing raising the worst layer,
 * and the placeholder for a dense model and for the workloads without per-rank loads.
 */
class ResultsViewModelTest {
    private final BackgroundWork work = new BackgroundWork(Runnable::run, 1);
    private final ScenarioEditorViewModel editor = new ScenarioEditorViewModel(ModelCatalog.builtIn());
    private final SimulationViewModel simulation = new SimulationViewModel(editor, work);
    private final ResultsViewModel results = new ResultsViewModel(simulation, new TimelineViewModel());

    @BeforeEach
    void noAutomaticRuns() {
        simulation.autoSimulateProperty().set(false);   // these tests simulate by hand, without a toolkit
    }

    @AfterEach
    void close() {
        work.close();
    }

    private static SimulationOutcome simulate(Scenario s, Path file) throws Exception {
        return ScenarioRunner.run(s, file, SimulationListener.NONE, false);
    }

    private static SimulationOutcome simulate(Path file) throws Exception {
        return simulate(new ScenarioReader(ModelCatalog.builtIn()).read(file), file);
    }

    private double[] means() {
        return results.epLoads().stream().mapToDouble(SimulationOutcome.RankLoad::mean).toArray();
    }

    private double[] maxes() {
        return results.epLoads().stream().mapToDouble(SimulationOutcome.RankLoad::max).toArray();
    }

    @Test
    void oneLoadPerExpertParallelRankEqualToTheResult() throws Exception {
        SimulationOutcome o = simulate(Fixtures.resource("small-mixtral"));
        results.show(o);
        assertThat(results.epLoads()).hasSize(o.scenario().parallel().ep()).hasSize(4);
        assertThat(results.epLoads()).extracting(SimulationOutcome.RankLoad::rank).containsExactly(0, 1, 2, 3);
        assertThat(means()).containsExactly(o.training().loadPerEpRank());
        assertThat(maxes()).containsExactly(o.training().maxLoadPerEpRank());
        assertThat(results.epLoadTitleProperty().get())
                .isEqualTo(String.format(Locale.ROOT, "EP load imbalance %.2f\u00d7", o.training().loadImbalance()));
        assertThat(results.epLoadSubtitleProperty().get()).startsWith("busiest of 4 ranks over the mean");
        assertThat(results.epLoadPlaceholderProperty().get()).isEmpty();
    }

    @Test
    void zipfRoutingPutsARankFarAboveTheMeanInSomeLayer() throws Exception {
        editor.load(Fixtures.resource("small-mixtral"));
        results.show(simulate(editor.scenarioProperty().get(), editor.fileProperty().get()));
        assertThat(Arrays.stream(maxes()).max().orElseThrow()).isLessThan(1.05);   // balanced routing

        editor.routingKindProperty().set(RoutingKind.ZIPF);
        SimulationOutcome zipf = simulate(editor.scenarioProperty().get(), editor.fileProperty().get());
        results.show(zipf);
        double worst = Arrays.stream(maxes()).max().orElseThrow();
        assertThat(worst).isGreaterThan(1.5);
        assertThat(means()).containsExactly(zipf.training().loadPerEpRank());
        assertThat(maxes()).containsExactly(zipf.training().maxLoadPerEpRank());
        for (SimulationOutcome.RankLoad l : results.epLoads()) {
            assertThat(l.max()).isGreaterThanOrEqualTo(l.mean());
        }
        assertThat(results.epLoadSubtitleProperty().get())
                .endsWith(String.format(Locale.ROOT, "worst layer %.2f\u00d7", worst));
    }

    @Test
    void aDenseModelHasThePlaceholderInsteadOfLoads() throws Exception {
        results.show(simulate(Fixtures.resource("small-mixtral")));
        SimulationOutcome dense = simulate(Fixtures.resource("small-dense"));
        assertThat(dense.training().loadPerEpRank()).isEmpty();
        results.show(dense);
        assertThat(results.epLoads()).isEmpty();
        assertThat(results.epLoadPlaceholderProperty().get()).isEqualTo(ResultsViewModel.DENSE_PLACEHOLDER)
                .isEqualTo("dense model: no experts");
        assertThat(results.epLoadSubtitleProperty().get()).isEmpty();
    }

    @Test
    void aDispatchHasNoPerRankLoadsAndNullClears() throws Exception {
        results.show(simulate(Fixtures.validation("deepep-h800-ep8-normal")));
        assertThat(results.epLoads()).isEmpty();
        assertThat(results.epLoadPlaceholderProperty().get()).isEqualTo("load per expert-parallel rank: training steps only");
        results.show(simulate(Fixtures.resource("small-mixtral")));
        results.show(null);
        assertThat(results.epLoads()).isEmpty();
        assertThat(results.epLoadTitleProperty().get()).isEmpty();
        assertThat(results.epLoadPlaceholderProperty().get()).isEmpty();
    }
}
