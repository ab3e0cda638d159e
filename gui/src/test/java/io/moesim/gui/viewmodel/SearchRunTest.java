package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import io.moesim.search.SearchProgress;
import io.moesim.search.SearchResult;
import io.moesim.search.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The workbench's search runner without a toolkit: the space text, the convergence, the result, cancel. */
class SearchRunTest {
    private static Scenario small() throws Exception {
        return new ScenarioReader(ModelCatalog.builtIn()).read(Fixtures.resource("small-mixtral"));
    }

    @Test
    void theSpaceTextReplacesDimensionsAndBadEntriesAreNamed() throws Exception {
        Scenario s = small();
        SearchSpace six = SearchRun.space(s, "tp=2 pp=2 vpp=1 cp=1 ep=2,4,8 etp=1; microBatch=1 recompute=selective "
                + "dispatcher=alltoall,deepep a2aOverlap=false");
        assertThat(six.validLayouts()).hasSize(6);
        assertThat(SearchRun.space(s, "").validLayouts().size()).isGreaterThan(6);
        assertThatThrownBy(() -> SearchRun.space(s, "tp=two")).hasMessage("space tp: expected whole numbers, got 'two'");
        assertThatThrownBy(() -> SearchRun.space(s, "xx=1")).hasMessageStartingWith("space xx: unknown dimension 'xx'");
        assertThatThrownBy(() -> SearchRun.space(s, "tp")).hasMessage("space: expected DIM=V1,V2,… got 'tp'");
    }

    @Test
    void anExhaustiveSearchReportsEveryEvaluationInItsConvergence() throws Exception {
        Scenario s = small();
        SearchSpace space = SearchRun.space(s, "tp=2 pp=2 vpp=1 cp=1 ep=2,4,8 etp=1 microBatch=1 recompute=selective "
                + "dispatcher=alltoall a2aOverlap=false");
        List<ConvergencePoint> points = new ArrayList<>();
        SearchResult r = SearchRun.run(s, Fixtures.resource("small-mixtral"), space, true, 100, 1, 2, () -> false,
                points::add, SearchProgress.NONE);
        assertThat(r.evaluations()).isEqualTo(3);
        assertThat(points).extracting(ConvergencePoint::evaluations).containsExactly(1, 2, 3);
        assertThat(points.get(2).bestTokensPerSecondPerGpu()).isEqualTo(r.best().orElseThrow().tokensPerSecondPerGpu());
        for (int i = 1; i < points.size(); i++) {
            if (Double.isNaN(points.get(i - 1).bestTokensPerSecondPerGpu())) {
                continue;   // nothing fitted yet
            }
            assertThat(points.get(i).bestTokensPerSecondPerGpu())
                    .isGreaterThanOrEqualTo(points.get(i - 1).bestTokensPerSecondPerGpu());
        }
    }

    @Test
    void cancellingStopsTheSearch() throws Exception {
        Scenario s = small();
        AtomicInteger evaluated = new AtomicInteger();
        assertThatThrownBy(() -> SearchRun.run(s, null, SearchRun.space(s, ""), false, 500, 1, 2,
                () -> evaluated.get() >= 3, p -> evaluated.incrementAndGet(), SearchProgress.NONE))
                .isInstanceOf(CancellationException.class);
        assertThat(evaluated.get()).isBetween(3, 5);
    }
}
