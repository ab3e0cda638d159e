package io.moesim.gui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moesim.engine.SimulationListener;
import io.moesim.gui.viewmodel.BackgroundWork;
import io.moesim.gui.viewmodel.CompareRow;
import io.moesim.gui.viewmodel.CompareViewModel;
import io.moesim.gui.viewmodel.Fixtures;
import io.moesim.gui.viewmodel.ScenarioRunner;
import io.moesim.gui.viewmodel.SearchRow;
import io.moesim.gui.viewmodel.SearchViewModel;
import io.moesim.gui.viewmodel.SimulationOutcome;
import io.moesim.gui.viewmodel.WorkbenchViewModel;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The compare and layout-search tabs driven through the window (TestFX, headless): two hand-chosen
 * scenarios compared, a small search that fills the table and applies a layout to the editor, its export,
 * and cancelling a search.
 */
@ExtendWith(ApplicationExtension.class)
class CompareAndSearchUiTest {
    /** Six layouts of small-mixtral: ep 2, 4, 8 × the all-to-all and DeepEP dispatchers. */
    static final String SIX_LAYOUTS = "tp=2 pp=2 vpp=1 cp=1 ep=2,4,8 etp=1 microBatch=1 recompute=selective "
            + "dispatcher=alltoall,deepep a2aOverlap=false";

    private WorkbenchViewModel vm;
    private MainView view;

    @Start
    void start(Stage stage) {
        vm = new WorkbenchViewModel(new BackgroundWork(Platform::runLater, 2), Fixtures.root());
        vm.simulation().autoSimulateProperty().set(false);
        view = new MainView(vm);
        stage.setScene(new Scene(view, 1280, 800));
        stage.show();
    }

    @AfterEach
    void close() {
        vm.close();
    }

    @Test
    void compareShowsTheDifferenceOfTwoScenarios(FxRobot robot, @TempDir Path dir) throws Exception {
        // B: the same job with a NIC a tenth as fast
        Path a = Fixtures.resource("small-mixtral");
        Path b = Files.writeString(dir.resolve("slow-nic.json"), Files.readString(a)
                .replace("\"name\": \"small-mixtral\"", "\"name\": \"slow-nic\"")
                .replace("\"gpusPerNode\": 8 }", "\"gpusPerNode\": 8, \"nicGBps\": 5 }"));
        robot.interact(() -> vm.editor().load(a));
        robot.clickOn("#tab-compare .tab-label");
        robot.interact(() -> {
            vm.compare().modeProperty().set(CompareViewModel.Mode.FILE);
            vm.compare().otherFileProperty().set(b);
        });
        assertThat(robot.lookup("#compare-file").queryAs(Label.class).getText()).isEqualTo("slow-nic.json");
        robot.clickOn("#compare-run");
        FxWait.until(60, () -> !vm.compare().runningProperty().get() && !vm.compare().rows().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();

        ScenarioReader reader = new ScenarioReader(ModelCatalog.builtIn());
        SimulationOutcome ra = ScenarioRunner.run(reader.read(a), a, SimulationListener.NONE, false);
        SimulationOutcome rb = ScenarioRunner.run(reader.read(b), b, SimulationListener.NONE, false);
        CompareRow step = vm.compare().rows().get(0);
        assertThat(step.metric()).isEqualTo("step time");
        assertThat(step.a()).isEqualTo(ra.training().stepTimeSeconds());
        assertThat(step.b()).isEqualTo(rb.training().stepTimeSeconds());
        assertThat(step.difference()).isPositive();
        assertThat(step.percent()).isCloseTo((step.b() - step.a()) / step.a() * 100, within(1e-9));
        assertThat(step.verdict()).isEqualTo(CompareRow.Verdict.WORSE);
        CompareRow tokens = vm.compare().rows().get(1);
        assertThat(tokens.metric()).isEqualTo("tokens/s/GPU");
        assertThat(tokens.verdict()).isEqualTo(CompareRow.Verdict.WORSE);
        CompareRow compute = vm.compare().rows().stream().filter(r -> r.metric().equals("compute")).findFirst().orElseThrow();
        assertThat(compute.verdict()).isEqualTo(CompareRow.Verdict.SAME);   // a slower NIC leaves the GEMMs alone
        assertThat(vm.compare().rows()).anySatisfy(r -> assertThat(r.metric()).startsWith("  exposed "));
        // the longer step shows up in the breakdown: some part of it grew
        assertThat(vm.compare().rows().subList(6, vm.compare().rows().size()))
                .anySatisfy(r -> assertThat(r.verdict()).isEqualTo(CompareRow.Verdict.WORSE));
        assertThat(robot.lookup("#compare-table").queryAs(TableView.class).getItems()).hasSize(vm.compare().rows().size());
        assertThat(robot.lookup("#compare-status").queryAs(Label.class).getText()).startsWith("step time: B trails A by +");
        // the difference is shown red (B worse), and both breakdown charts have their four parts
        assertThat(robot.lookup(".table-cell").queryAllAs(javafx.scene.control.TableCell.class))
                .anySatisfy(c -> assertThat(c.getStyle()).isEqualTo(CompareView.WORSE_STYLE));
        assertThat(view.compare().chartBars()).containsExactly(4, 4);
    }

    @Test
    void compareTwoStrategiesOfOneScenario(FxRobot robot) throws Exception {
        robot.interact(() -> vm.editor().load(Fixtures.resource("small-mixtral")));
        robot.interact(() -> vm.compare().otherStrategyProperty().set("speculative-moe"));
        robot.interact(() -> vm.compare().compare());
        FxWait.until(60, () -> !vm.compare().runningProperty().get() && !vm.compare().rows().isEmpty());
        assertThat(vm.compare().labelAProperty().get()).isEqualTo("A: small-mixtral (megatron)");
        assertThat(vm.compare().labelBProperty().get()).isEqualTo("B: small-mixtral (speculative-moe)");
        // speculative MoE keeps half the EP traffic local: B's step is shorter
        assertThat(vm.compare().rows().get(0).verdict()).isEqualTo(CompareRow.Verdict.BETTER);
        robot.interact(() -> vm.compare().otherStrategyProperty().set("no-such-system"));
        robot.interact(() -> vm.compare().compare());
        assertThat(vm.compare().runningProperty().get()).isFalse();
        assertThat(vm.compare().statusProperty().get()).isEqualTo("B: strategy: unknown strategy 'no-such-system'");
    }

    @Test
    void aSmallSearchFillsTheTableAndApplyUpdatesTheEditor(FxRobot robot, @TempDir Path dir) throws Exception {
        robot.interact(() -> vm.editor().load(Fixtures.resource("small-mixtral")));
        robot.clickOn("#tab-search .tab-label");
        robot.interact(() -> {
            vm.search().methodProperty().set(SearchViewModel.Method.EXHAUSTIVE);
            vm.search().spaceTextProperty().set(SIX_LAYOUTS);
        });
        robot.clickOn("#search-run");
        FxWait.until(60, () -> !vm.search().runningProperty().get() && !vm.search().rows().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.search().statusProperty().get()).startsWith("exhaustive: 6 of 6 valid layouts evaluated");
        assertThat(vm.search().convergence()).hasSize(6);
        assertThat(vm.search().convergence().get(5).bestTokensPerSecondPerGpu())
                .isEqualTo(vm.search().rows().get(0).tokensPerSecondPerGpu());
        assertThat(view.search().convergencePoints()).isPositive();
        TableView<?> table = robot.lookup("#search-table").queryAs(TableView.class);
        assertThat(table.getItems()).hasSameSizeAs(vm.search().rows()).isNotEmpty();
        for (int i = 1; i < vm.search().rows().size(); i++) {
            assertThat(vm.search().rows().get(i).tokensPerSecondPerGpu())
                    .isLessThanOrEqualTo(vm.search().rows().get(i - 1).tokensPerSecondPerGpu());
        }
        // Apply the last-ranked layout (the best may be the editor's own)
        SearchRow pick = vm.search().rows().get(vm.search().rows().size() - 1);
        robot.interact(() -> view.search().table().getSelectionModel().select(pick));
        robot.clickOn("#search-apply");
        Scenario applied = vm.editor().scenarioProperty().get();
        assertThat(applied.parallel().ep()).isEqualTo(pick.ep());
        assertThat(vm.editor().epProperty().get()).isEqualTo(pick.ep());
        assertThat(pick.describe()).contains("ep" + pick.ep() + " ").contains(applied.moe().dispatcher().id());
        assertThat(vm.editor().dirtyProperty().get()).isTrue();

        robot.clickOn("#search-export");
        String json = robot.lookup("#search-export-text").queryAs(TextArea.class).getText();
        assertThat(json).containsPattern("\"ep\"\\s*:\\s*" + pick.ep() + "\\b");
        Path out = dir.resolve("best.json");
        boolean[] saved = {false};
        robot.interact(() -> saved[0] = vm.search().saveExport(out));
        assertThat(saved[0]).isTrue();
        Scenario exported = new ScenarioReader(ModelCatalog.builtIn()).read(out);
        assertThat(exported.parallel()).isEqualTo(applied.parallel());
        assertThat(exported.moe().dispatcher()).isIn(Dispatcher.ALLTOALL, Dispatcher.DEEPEP);
    }

    @Test
    void aGeneticSearchCanBeCancelled(FxRobot robot) throws Exception {
        robot.interact(() -> vm.editor().load(Fixtures.resource("small-mixtral")));
        robot.interact(() -> {
            vm.search().methodProperty().set(SearchViewModel.Method.GENETIC);
            vm.search().budgetProperty().set(2000);
        });
        robot.interact(() -> vm.search().run());
        FxWait.until(60, () -> vm.search().convergence().size() >= 2);
        long t0 = System.nanoTime();
        robot.interact(() -> vm.search().cancel());
        FxWait.until(20, () -> !vm.search().runningProperty().get());
        double ms = (System.nanoTime() - t0) / 1e6;
        assertThat(vm.search().statusProperty().get()).startsWith("search cancelled after ");
        assertThat(vm.search().rows()).isEmpty();
        int evaluated = vm.search().convergence().size();
        assertThat(evaluated).isLessThan(2000);
        System.out.printf(java.util.Locale.ROOT, "search cancel: stopped %.0f ms after Cancel, %d layouts evaluated%n",
                ms, evaluated);
    }
}
