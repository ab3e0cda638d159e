package io.moesim.gui;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.gui.viewmodel.BackgroundWork;
import io.moesim.gui.viewmodel.ExportFormat;
import io.moesim.gui.viewmodel.Fixtures;
import io.moesim.gui.viewmodel.FrontPoint;
import io.moesim.gui.viewmodel.SearchRow;
import io.moesim.gui.viewmodel.SearchViewModel;
import io.moesim.gui.viewmodel.WorkbenchViewModel;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
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
 * The workbench's Export (editor and search), undo/redo by keys, and the Pareto front of the layout search,
 * driven through the window (TestFX, headless).
 */
@ExtendWith(ApplicationExtension.class)
class ExportUndoParetoUiTest {
    /** 18 layouts of small-mixtral: ep 2, 4, 8 × three recompute modes × micro-batch 1, 2 (memory against speed). */
    static final String MEMORY_SPACE = "tp=2 pp=2 vpp=1 cp=1 ep=2,4,8 etp=1 microBatch=1,2 recompute=none,selective,full "
            + "dispatcher=alltoall a2aOverlap=false";

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
    void ctrlZUndoesOneEditAtATimeEvenInATextFieldAndCtrlShiftZRedoes(FxRobot robot) {
        robot.interact(() -> vm.editor().load(Fixtures.resource("small-mixtral")));
        Scenario original = vm.editor().scenarioProperty().get();
        robot.interact(() -> vm.editor().epProperty().set(8));
        robot.interact(() -> vm.editor().recomputeProperty().set(Recompute.FULL));
        // the focus in a text field, whose own undo would otherwise take Ctrl+Z
        robot.interact(() -> robot.lookup((TextField t) -> "small-mixtral".equals(t.getText())).queryAs(TextField.class)
                .requestFocus());
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.editor().recomputeProperty().get()).isEqualTo(Recompute.SELECTIVE);
        assertThat(vm.editor().epProperty().get()).isEqualTo(8);   // one step per press, not two
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.editor().scenarioProperty().get()).isEqualTo(original);
        assertThat(robot.lookup("#status").queryAs(Label.class).getText()).startsWith("undone");
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.Z).release(KeyCode.Z, KeyCode.SHIFT, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.editor().epProperty().get()).isEqualTo(8);
        assertThat(vm.editor().recomputeProperty().get()).isEqualTo(Recompute.SELECTIVE);
        assertThat(vm.editor().canRedoProperty().get()).isTrue();
    }

    @Test
    void exportFromTheEditorWritesMegatronFlagsOrExplainsWhyNot(FxRobot robot, @TempDir Path dir) throws Exception {
        robot.interact(() -> vm.editor().load(Fixtures.resource("small-mixtral")));
        Path out = dir.resolve("launch.sh");
        boolean[] ok = {false};
        robot.interact(() -> ok[0] = view.exportTo(ExportFormat.MEGATRON, out));
        assertThat(ok[0]).isTrue();
        assertThat(Files.readString(out)).contains("--tensor-model-parallel-size 2 \\\n",
                "--pipeline-model-parallel-size 2 \\\n", "--expert-model-parallel-size 4 \\\n");
        assertThat(robot.lookup("#status").queryAs(Label.class).getText())
                .isEqualTo("exported small-mixtral as Megatron-LM arguments to " + out);
        Path blocked = Files.writeString(dir.resolve("a-file"), "x").resolve("ds.json");
        robot.interact(() -> ok[0] = view.exportTo(ExportFormat.DEEPSPEED, blocked));
        assertThat(ok[0]).isFalse();
        assertThat(robot.lookup("#status").queryAs(Label.class).getText()).startsWith("could not export to " + blocked);
        assertThat(robot.listWindows()).hasSize(1);   // no dialog
    }

    @Test
    void aParetoSearchShowsANonDominatedFrontWhosePointsApplyAndExport(FxRobot robot) throws Exception {
        robot.interact(() -> vm.editor().load(Fixtures.resource("small-mixtral")));
        robot.clickOn("#tab-search .tab-label");
        assertThat(robot.lookup("#chart-front").tryQuery()).isEmpty();   // no front yet: the convergence alone
        robot.interact(() -> {
            vm.search().objectivesProperty().set(SearchViewModel.Objectives.THROUGHPUT_MEMORY);
            vm.search().methodProperty().set(SearchViewModel.Method.EXHAUSTIVE);
            vm.search().spaceTextProperty().set(MEMORY_SPACE);
        });
        robot.clickOn("#search-run");
        FxWait.until(60, () -> !vm.search().runningProperty().get() && !vm.search().front().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.search().statusProperty().get()).startsWith("exhaustive: Pareto front of throughput,memory, 18 of 18");
        List<FrontPoint> front = List.copyOf(vm.search().front());
        assertThat(front.size()).isGreaterThan(1);
        for (FrontPoint a : front) {
            assertThat(a.y()).isEqualTo(a.row().tokensPerSecondPerGpu());
            assertThat(a.x()).isEqualTo(a.row().peakMemoryGiB());
            for (FrontPoint b : front) {   // no point is at least as good in both and better in one
                boolean dominates = b.y() >= a.y() && b.x() <= a.x() && (b.y() > a.y() || b.x() < a.x());
                assertThat(dominates).as("%s dominates %s", b.row(), a.row()).isFalse();
            }
        }
        // faster costs memory along the front
        assertThat(front.get(0).y()).isGreaterThan(front.get(front.size() - 1).y());
        assertThat(front.get(0).x()).isGreaterThan(front.get(front.size() - 1).x());
        assertThat(view.search().frontChartPoints()[0]).isEqualTo(front.size());
        assertThat(view.search().frontAxes()).containsExactly("peak memory per GPU (GiB)", "tokens/s/GPU");
        assertThat(robot.lookup("#chart-front").tryQuery()).isPresent();
        TableView<?> table = robot.lookup("#search-table").queryAs(TableView.class);
        assertThat(table.getItems()).hasSize(front.size());

        // a point of the front (as a click on it does) selects its layout; Apply puts it into the editor
        FrontPoint pick = front.get(front.size() - 1);   // the leanest layout
        robot.interact(() -> view.search().selectFrontPoint(front.size() - 1));
        assertThat(table.getSelectionModel().getSelectedItem()).isSameAs(pick.row());
        assertThat(view.search().frontChartPoints()[1]).isEqualTo(1);
        robot.clickOn("#search-apply");
        SearchRow row = pick.row();
        Scenario applied = vm.editor().scenarioProperty().get();
        assertThat(applied.parallel().ep()).isEqualTo(row.ep());
        assertThat(row.describe()).contains(" mb" + applied.batch().microBatch() + " ")
                .contains(applied.recompute().id());

        // and Export renders it as Megatron-LM arguments
        robot.interact(() -> robot.lookup("#search-export-format").queryAs(ChoiceBox.class).setValue(ExportFormat.MEGATRON));
        robot.clickOn("#search-export");
        String flags = robot.lookup("#search-export-text").queryAs(TextArea.class).getText();
        assertThat(flags).contains("--expert-model-parallel-size " + row.ep() + " \\\n",
                "--micro-batch-size " + applied.batch().microBatch() + " \\\n", "--tensor-model-parallel-size 2 \\\n");
        assertThat(vm.search().suggestedExportName()).isEqualTo("small-mixtral-search.megatron.sh");
    }

    @Test
    void aThroughputAgainstGpusFrontSearchesTheNodeCount(FxRobot robot) throws Exception {
        robot.interact(() -> vm.editor().load(Fixtures.resource("small-mixtral")));
        robot.interact(() -> {
            vm.search().objectivesProperty().set(SearchViewModel.Objectives.THROUGHPUT_GPUS);
            vm.search().methodProperty().set(SearchViewModel.Method.EXHAUSTIVE);
            vm.search().spaceTextProperty().set("tp=2 pp=1,2 vpp=1 cp=1 ep=2,4 etp=1 microBatch=1 recompute=selective "
                    + "dispatcher=alltoall a2aOverlap=false");
            vm.search().run();
        });
        FxWait.until(60, () -> !vm.search().runningProperty().get() && !vm.search().front().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        List<FrontPoint> front = List.copyOf(vm.search().front());
        assertThat(front).allSatisfy(p -> {
            assertThat(p.x()).isEqualTo(p.row().gpus());
            assertThat(p.y()).isEqualTo(p.row().totalTokensPerSecond());
        });
        // 1 and 2 nodes of 8 GPUs: the front has the fastest layout of each GPU count that is worth its GPUs
        assertThat(front).extracting(FrontPoint::x).doesNotHaveDuplicates().allSatisfy(x -> assertThat(x).isIn(8.0, 16.0));
        assertThat(view.search().frontAxes()).containsExactly("GPUs", "tokens/s (cluster)");
    }
}
