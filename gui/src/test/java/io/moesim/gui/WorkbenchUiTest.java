package io.moesim.gui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.moesim.gui.viewmodel.BackgroundWork;
import io.moesim.gui.viewmodel.Fixtures;
import io.moesim.gui.viewmodel.WorkbenchViewModel;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.RoutingKind;
import io.moesim.workload.TrainingStepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.geometry.VerticalDirection;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The workbench window driven like a user would (TestFX on Monocle's headless screen): loading a
 * scenario, editing a field, an invalid layout explained inline, the recompute-module check boxes, zooming
 * the timeline, a what-if sweep, cancelling a long run, the validation view, and the screenshot mode.
 */
@ExtendWith(ApplicationExtension.class)
class WorkbenchUiTest {
    private WorkbenchViewModel vm;
    private MainView view;

    @Start
    void start(Stage stage) {
        vm = new WorkbenchViewModel(new BackgroundWork(Platform::runLater, 2), Fixtures.root());
        view = new MainView(vm);
        stage.setScene(new Scene(view, 1280, 800));
        stage.show();
    }

    @AfterEach
    void close() {
        vm.close();
    }

    private void loadAndWait(FxRobot robot, Path file) throws TimeoutException {
        robot.interact(() -> vm.editor().load(file));
        FxWait.until(60, () -> vm.simulation().outcomeProperty().get() != null
                && vm.simulation().outcomeProperty().get().scenario().equals(vm.editor().scenarioProperty().get())
                && !vm.simulation().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String headline(FxRobot robot) {
        return robot.lookup("#headline").queryAs(Label.class).getText();
    }

    private void typeInto(FxRobot robot, String spinnerId, String text) {
        TextField editor = robot.lookup("#" + spinnerId).queryAs(Spinner.class).getEditor();
        robot.clickOn(editor);
        robot.interact(editor::selectAll);
        robot.write(text);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void loadsTheMainJobAndShowsItsTimelineAndCharts(FxRobot robot) throws Exception {
        loadAndWait(robot, Fixtures.qwen3());
        assertThat(headline(robot)).startsWith("qwen3-235b-h100x256-deepep: step ").contains("tokens/s/GPU")
                .contains("model TFLOPS/GPU").contains("fits");
        assertThat(vm.timeline().dataProperty().get().spanCount()).isGreaterThan(100_000);
        assertThat(vm.timeline().visibleRowCount()).isGreaterThan(8);
        assertThat(view.results().breakdownBars()).isEqualTo(4);
        assertThat(view.results().memoryParts()).isEqualTo(7);
        assertThat(robot.lookup("#file").queryAs(Label.class).getText()).isEqualTo("qwen3-235b-h100x256-deepep.json");

        // Redraw cost with the full run in view (the number docs/gui.md quotes).
        TimelineView t = view.timeline();
        int n = 20;
        long[] issue = new long[n];
        long[] raster = new long[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            robot.interact(() -> {
                t.redraw();
                issue[k] = t.lastRedrawNanos();
                long s = System.nanoTime();
                t.canvas().snapshot(null, null);        // forces the software renderer to draw the canvas
                raster[k] = System.nanoTime() - s;
            });
        }
        java.util.Arrays.sort(issue);
        java.util.Arrays.sort(raster);
        System.out.printf(java.util.Locale.ROOT, "timeline redraw, %d spans, %dx%d px canvas, %d rectangles after "
                        + "level of detail: median %.2f ms to issue, %.2f ms to rasterize (software renderer)%n",
                vm.timeline().dataProperty().get().spanCount(), (int) t.canvas().getWidth(), (int) t.canvas().getHeight(),
                t.lastRectangles(), issue[n / 2] / 1e6, raster[n / 2] / 1e6);
        assertThat(issue[n / 2] / 1e6).isLessThan(100.0);
        assertThat(t.lastRectangles()).isLessThan(vm.timeline().dataProperty().get().spanCount() / 10);
    }

    @Test
    void editingAFieldReSimulatesAndChangesTheResult(FxRobot robot) throws Exception {
        loadAndWait(robot, Fixtures.resource("small-mixtral"));
        String before = headline(robot);
        assertThat(before).startsWith("small-mixtral: step ");
        typeInto(robot, "ep", "8");
        assertThat(vm.editor().epProperty().get()).isEqualTo(8);
        FxWait.until(30, () -> vm.simulation().outcomeProperty().get().scenario().parallel().ep() == 8
                && !vm.simulation().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(headline(robot)).isNotEqualTo(before).startsWith("small-mixtral: step ");
        assertThat(robot.lookup("#file").queryAs(Label.class).getText()).endsWith(" *");
    }

    @Test
    void theLoadChartHasABarPerEpRankAndFollowsTheRouting(FxRobot robot) throws Exception {
        loadAndWait(robot, Fixtures.resource("small-mixtral"));
        ResultsView results = view.results();
        TrainingStepResult balanced = vm.simulation().outcomeProperty().get().training();
        assertLoadChartShows(results, balanced);
        assertThat(java.util.Arrays.stream(balanced.maxLoadPerEpRank()).max().orElseThrow()).isLessThan(1.05);
        assertThat(robot.lookup("#chart-load").query().isVisible()).isTrue();
        assertThat(robot.lookup("#chart-load-placeholder").query().isVisible()).isFalse();

        // routing balanced -> Zipf (skew 0.6) in the editor: re-simulated, and the chart follows
        @SuppressWarnings("unchecked")
        ChoiceBox<RoutingKind> routing = robot.lookup("#routing").queryAs(ChoiceBox.class);
        robot.interact(() -> routing.setValue(RoutingKind.ZIPF));
        FxWait.until(30, () -> vm.simulation().outcomeProperty().get().scenario().moe().routing().kind() == RoutingKind.ZIPF
                && !vm.simulation().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        TrainingStepResult zipf = vm.simulation().outcomeProperty().get().training();
        assertLoadChartShows(results, zipf);
        assertThat(java.util.Arrays.stream(zipf.maxLoadPerEpRank()).max().orElseThrow()).isGreaterThan(1.5);
        assertThat(results.loadTitle()).isEqualTo(String.format(java.util.Locale.ROOT, "EP load imbalance %.2f\u00d7",
                zipf.loadImbalance()));

        // a dense model: the placeholder instead of the chart
        loadAndWait(robot, Fixtures.resource("small-dense"));
        Label placeholder = robot.lookup("#chart-load-placeholder").queryAs(Label.class);
        assertThat(placeholder.isVisible()).isTrue();
        assertThat(placeholder.getText()).isEqualTo("dense model: no experts");
        assertThat(robot.lookup("#chart-load").query().isVisible()).isFalse();
        assertThat(results.loadBars()).isZero();
    }

    private static void assertLoadChartShows(ResultsView results, TrainingStepResult r) {
        double[] mean = r.loadPerEpRank();
        double[] max = r.maxLoadPerEpRank();
        assertThat(mean).hasSize(4);    // small-mixtral: ep 4
        assertThat(results.loadBars()).isEqualTo(mean.length);
        for (int rank = 0; rank < mean.length; rank++) {
            assertThat(results.loadMean(rank)).isEqualTo(mean[rank]);
            assertThat(results.loadMax(rank)).isEqualTo(max[rank]);
        }
    }

    @Test
    void aStrategyKnobTypedInTheEditorChangesTheResult(FxRobot robot) throws Exception {
        loadAndWait(robot, Fixtures.resource("small-mixtral"));
        String before = headline(robot);
        TextField knob = robot.lookup("#knob-localTrafficFraction").queryAs(TextField.class);
        assertThat(knob.getPromptText()).isEqualTo("preset: 0.0");
        robot.interact(() -> knob.requestFocus());
        robot.write("0.5");
        WaitForAsyncUtils.waitForFxEvents();
        FxWait.until(30, () -> vm.simulation().outcomeProperty().get().scenario().strategy().knobs().localTrafficFraction() == 0.5
                && !vm.simulation().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(headline(robot)).isNotEqualTo(before);
        robot.interact(() -> knob.setText("2"));
        assertThat(robot.lookup("#validation").queryAs(Label.class).getText())
                .contains("strategy.localTrafficFraction: must be at least 0 and below 1, got 2.0");
        assertThat(robot.lookup("#simulate").queryAs(Button.class).isDisabled()).isTrue();
    }

    @Test
    void anInvalidLayoutIsExplainedInlineNotInADialog(FxRobot robot) throws Exception {
        loadAndWait(robot, Fixtures.resource("small-mixtral"));
        typeInto(robot, "tp", "3");
        Label problems = robot.lookup("#validation").queryAs(Label.class);
        assertThat(problems.isVisible()).isTrue();
        assertThat(problems.getText()).contains("parallel: tp*pp*cp = 3*2*1 = 6 must divide the cluster's 16 GPUs")
                .contains("parallel.tp: model 'mixtral-8x7b' has attention heads 32, not divisible by tp = 3");
        assertThat(robot.lookup("#simulate").queryAs(Button.class).isDisabled()).isTrue();
        assertThat(robot.listWindows()).hasSize(1);
        typeInto(robot, "tp", "2");
        assertThat(problems.isVisible()).isFalse();
        assertThat(robot.lookup("#simulate").queryAs(Button.class).isDisabled()).isFalse();
    }

    @Test
    void recomputeModulesAreCheckBoxesThatApplyToSelectiveOnly(FxRobot robot, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("modules.json");
        Files.writeString(file, Files.readString(Fixtures.resource("small-mixtral")).replace("\"recompute\": \"selective\"",
                "\"recompute\": \"selective\", \"recomputeModules\": [\"layernorm\", \"moe\"]"));
        loadAndWait(robot, file);
        CheckBox layernorm = robot.lookup("#recomputeModule-layernorm").queryAs(CheckBox.class);
        CheckBox moe = robot.lookup("#recomputeModule-moe").queryAs(CheckBox.class);
        CheckBox moeAct = robot.lookup("#recomputeModule-moe_act").queryAs(CheckBox.class);
        CheckBox mla = robot.lookup("#recomputeModule-mla_up_proj").queryAs(CheckBox.class);
        // the ids' underscores are shown, not taken as mnemonic markers ("mlaup_proj")
        assertThat(mla.getText()).isEqualTo("mla_up_proj");
        assertThat(mla.isMnemonicParsing()).isFalse();
        assertThat(layernorm.isSelected()).isTrue();
        assertThat(moe.isSelected()).isTrue();
        assertThat(moeAct.isSelected()).isFalse();
        assertThat(moe.isDisabled()).isFalse();

        robot.interact(moe::fire);   // layernorm alone
        assertThat(vm.editor().recomputeModules()).containsExactly(RecomputeModule.LAYERNORM);
        FxWait.until(30, () -> vm.simulation().outcomeProperty().get().scenario().recomputeModules()
                .equals(java.util.Set.of(RecomputeModule.LAYERNORM)) && !vm.simulation().runningProperty().get());
        assertThat(robot.lookup("#file").queryAs(Label.class).getText()).endsWith(" *");

        robot.interact(mla::fire);   // Mixtral has no multi-latent attention: said inline, nothing thrown
        Label problems = robot.lookup("#validation").queryAs(Label.class);
        assertThat(problems.isVisible()).isTrue();
        assertThat(problems.getText()).startsWith("recomputeModules: mla_up_proj needs a model with multi-latent attention");
        assertThat(robot.lookup("#simulate").queryAs(Button.class).isDisabled()).isTrue();
        robot.interact(mla::fire);
        assertThat(problems.isVisible()).isFalse();

        @SuppressWarnings("unchecked")
        ChoiceBox<Recompute> recompute = robot.lookup("#recompute").queryAs(ChoiceBox.class);
        robot.interact(() -> recompute.setValue(Recompute.FULL));
        assertThat(moe.isDisabled()).isTrue();
        assertThat(layernorm.isDisabled()).isTrue();
        assertThat(vm.editor().tree().has("recomputeModules")).isFalse();
        robot.interact(() -> vm.editor().undo());
        assertThat(moe.isDisabled()).isFalse();
        assertThat(vm.editor().tree().path("recomputeModules").toString()).isEqualTo("[\"layernorm\"]");
    }

    @Test
    void theTimelineZoomsPansFiltersAndHovers(FxRobot robot) throws Exception {
        loadAndWait(robot, Fixtures.resource("small-mixtral"));
        var t = vm.timeline();
        double end = t.viewEndNsProperty().get();
        robot.clickOn("#timeline-zoom-in");
        assertThat(t.zoomLevel()).isEqualTo(2.0);
        Canvas canvas = robot.lookup("#timeline-canvas").queryAs(Canvas.class);
        // the wheel zooms by 1.25 per notch around the pointer (which way is "up" depends on the platform)
        robot.moveTo(canvas).scroll(2, VerticalDirection.UP);
        WaitForAsyncUtils.waitForFxEvents();
        double wheeled = t.zoomLevel();
        assertThat(wheeled).satisfiesAnyOf(z -> assertThat(z).isCloseTo(2 * 1.5625, within(1e-9)),
                z -> assertThat(z).isCloseTo(2 * 0.64, within(1e-9)));
        robot.scroll(2, VerticalDirection.DOWN);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(t.zoomLevel()).isCloseTo(2.0, within(1e-9));
        robot.scroll(wheeled > 2 ? VerticalDirection.UP : VerticalDirection.DOWN);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(t.zoomLevel()).isCloseTo(2.5, within(1e-9));
        double start = t.viewStartNsProperty().get();
        robot.drag(canvas).moveBy(-150, 0).drop();
        assertThat(t.viewStartNsProperty().get()).isGreaterThan(start);
        robot.clickOn("#timeline-fit");
        assertThat(t.viewEndNsProperty().get()).isEqualTo(end);
        // hover the main stream of GPU 0 in the middle of the run: the compute stream is busy there
        var bounds = canvas.localToScreen(canvas.getBoundsInLocal());
        robot.moveTo(bounds.getMinX() + TimelineView.LABEL_WIDTH + (bounds.getWidth() - TimelineView.LABEL_WIDTH) / 2,
                bounds.getMinY() + TimelineView.AXIS_HEIGHT + 4);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(t.hoverTextProperty().get()).contains("GPU 0 stream 0").contains("duration");
        assertThat(robot.lookup("#timeline-hover").queryAs(Label.class).isVisible()).isTrue();
        int all = t.visibleRowCount();
        robot.clickOn("#timeline-ranks").write("1");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(t.visibleRowCount()).isEqualTo(all / 2);
        robot.write("9");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#timeline-ranks-error").queryAs(Label.class).getText()).contains("outside 0..1");
    }

    @Test
    void aWhatIfSweepProducesPoints(FxRobot robot) throws Exception {
        loadAndWait(robot, Fixtures.resource("small-mixtral"));
        robot.clickOn("What-if sweep");
        assertThat(robot.lookup("#sweep-values").queryAs(TextField.class).getText()).isEqualTo("1, 2, 4, 8");
        robot.interact(() -> vm.sweep().valuesTextProperty().set("2, 8, 16"));
        robot.clickOn("#sweep-run");
        FxWait.until(60, () -> vm.sweep().points().size() == 3 && !vm.sweep().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(view.sweep().chartPoints()).isEqualTo(2);
        assertThat(robot.lookup("#sweep-table").queryAs(TableView.class).getItems()).hasSize(3);
        assertThat(robot.lookup("#sweep-status").queryAs(Label.class).getText())
                .isEqualTo("2 values simulated, 1 not valid (see the table)");
        assertThat(vm.sweep().points().get(2).problem()).startsWith("parallel.ep: ");
    }

    @Test
    void aLongRunCanBeCancelled(FxRobot robot) throws Exception {
        robot.interact(() -> {
            vm.simulation().autoSimulateProperty().set(false);
            vm.editor().load(Fixtures.resource("long-deepseek"));
        });
        robot.clickOn("#simulate");
        FxWait.until(30, () -> vm.simulation().runningProperty().get() && vm.simulation().progressProperty().get() > 0);
        assertThat(robot.lookup("#progress").queryAs(javafx.scene.control.ProgressBar.class).isVisible()).isTrue();
        long t0 = System.nanoTime();
        robot.clickOn("#cancel");
        FxWait.until(10, () -> !vm.simulation().runningProperty().get());
        double stoppedAfterMs = (System.nanoTime() - t0) / 1e6;
        assertThat(vm.simulation().statusProperty().get()).isEqualTo("simulation cancelled");
        assertThat(vm.simulation().outcomeProperty().get()).isNull();
        assertThat(stoppedAfterMs).isLessThan(3000);
        System.out.printf(java.util.Locale.ROOT, "cancel: the run stopped %.0f ms after Cancel%n", stoppedAfterMs);
    }

    @Test
    void theValidationViewComparesPublishedCases(FxRobot robot, @TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("scenarios"));
        Files.copy(Fixtures.validation("deepep-h800-ep8-normal"), dir.resolve("scenarios/deepep-h800-ep8-normal.json"));
        Path csv = dir.resolve("cases.csv");
        Files.writeString(csv, "case,metric,reported,unit\ndeepep-h800-ep8-normal,dispatchGBps,153,GB/s\n"
                + "deepep-h800-ep8-normal,combineGBps,158,GB/s\n");
        robot.clickOn("Validation");
        robot.interact(() -> vm.validation().casesFileProperty().set(csv));
        robot.clickOn("#validation-run");
        FxWait.until(30, () -> vm.validation().rows().size() == 2 && !vm.validation().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#validation-summary").queryAs(Label.class).getText())
                .startsWith("2 of 2 figures compared; median |error| ");
        assertThat(vm.validation().rows().get(0).reported()).isEqualTo("153.0 GB/s");
        assertThat(vm.validation().rows().get(0).error()).matches("[+-]\\d+\\.\\d%");
    }

    @Test
    void screenshotModeWritesThePicture(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("shot.png");
        Workbench.screenshot(Fixtures.resource("small-mixtral"), png, 1280, 800);
        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(800);
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(Fixtures.resource("small-mixtral")).replace("\"tp\": 2", "\"tp\": 3"));
        assertThatThrownBy(() -> Workbench.screenshot(bad, dir.resolve("no.png"), 1280, 800))
                .isInstanceOf(WorkbenchException.class).hasMessageContaining("parallel: tp*pp*cp = 3*2*1");
        assertThat(dir.resolve("no.png")).doesNotExist();
    }
}
