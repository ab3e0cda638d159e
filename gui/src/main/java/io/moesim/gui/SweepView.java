package io.moesim.gui;

import io.moesim.gui.viewmodel.SweepKnob;
import io.moesim.gui.viewmodel.SweepPoint;
import io.moesim.gui.viewmodel.SweepViewModel;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.geometry.Orientation;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The what-if sweep: a knob (EP size, routing skew, NIC bandwidth, GPU type), its values, Run and
 * Cancel, then step time (bars) and model TFLOPS per GPU (line) per value, and a table that also says
 * why a value could not be simulated.
 */
public final class SweepView extends BorderPane {
    private final SweepViewModel vm;
    private final DefaultCategoryDataset stepTime = new DefaultCategoryDataset();
    private final DefaultCategoryDataset tflops = new DefaultCategoryDataset();
    private final JFreeChart chart = Charts.sweep(stepTime, tflops);

    public SweepView(SweepViewModel vm) {
        this.vm = vm;
        ChoiceBox<SweepKnob> knob = new ChoiceBox<>(FXCollections.observableArrayList(vm.knobs()));
        knob.setId("sweep-knob");
        knob.valueProperty().bindBidirectional(vm.knobProperty());
        TextField values = new TextField();
        values.setId("sweep-values");
        values.setPrefColumnCount(28);
        values.textProperty().bindBidirectional(vm.valuesTextProperty());
        Button defaults = new Button("Defaults");
        defaults.setOnAction(e -> vm.resetValues());
        Button run = new Button("Run sweep");
        run.setId("sweep-run");
        run.setDefaultButton(false);
        run.setOnAction(e -> vm.run());
        run.disableProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("sweep-cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.runningProperty().not());
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.runningProperty());
        Label status = new Label();
        status.setId("sweep-status");
        status.textProperty().bind(vm.statusProperty());
        HBox bar = new HBox(6, new Label("vary"), knob, new Label("values"), values, defaults, run, cancel);
        HBox.setHgrow(values, Priority.ALWAYS);
        values.setMinWidth(120);
        knob.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        bar.getChildren().stream().filter(n -> n != values && n instanceof javafx.scene.layout.Region)
                .forEach(n -> ((javafx.scene.layout.Region) n).setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE));
        bar.setAlignment(Pos.CENTER_LEFT);
        HBox state = new HBox(8, progress, status);
        state.setAlignment(Pos.CENTER_LEFT);
        javafx.scene.layout.VBox top = new javafx.scene.layout.VBox(4, bar, state);
        top.setPadding(new Insets(6));
        setTop(top);

        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId("chart-sweep");
        TableView<SweepPoint> table = new TableView<>(vm.points());
        table.setId("sweep-table");
        table.getColumns().add(column("value", 90, SweepPoint::value));
        table.getColumns().add(column("step time (s)", 100, p -> num(p.stepTimeSeconds(), "%.2f")));
        table.getColumns().add(column("model TFLOPS/GPU", 130, p -> num(p.modelTflopsPerGpu(), "%.1f")));
        table.getColumns().add(column("tokens/s/GPU", 110, p -> num(p.tokensPerSecondPerGpu(), "%.0f")));
        table.getColumns().add(column("memory (GiB)", 110, p -> p.ok() ? num(p.peakMemoryGiB(), "%.1f")
                + (p.fits() ? "" : " (does not fit)") : ""));
        table.getColumns().add(column("problem", 500, p -> p.problem() == null ? "" : p.problem()));
        table.setPlaceholder(new Label("Run a sweep to compare values of one knob."));
        SplitPane split = new SplitPane(viewer, table);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.65);
        setCenter(split);
        vm.points().addListener((ListChangeListener<SweepPoint>) c -> refresh());
    }

    private static String num(double v, String format) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    private static TableColumn<SweepPoint, String> column(String title, double width, Function<SweepPoint, String> f) {
        TableColumn<SweepPoint, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(f.apply(cell.getValue())));
        c.setSortable(false);
        return c;
    }

    private void refresh() {
        stepTime.clear();
        tflops.clear();
        for (SweepPoint p : vm.points()) {
            if (p.ok()) {
                stepTime.addValue(p.stepTimeSeconds(), "step time (s)", p.value());
                tflops.addValue(p.modelTflopsPerGpu(), "model TFLOPS/GPU", p.value());
            }
        }
        chart.setTitle(vm.titleProperty().get().isEmpty() ? "What-if sweep" : vm.titleProperty().get());
        chart.getCategoryPlot().getDomainAxis().setLabel(vm.knobProperty().get() == null ? null
                : vm.knobProperty().get().label());
    }

    /** Points the chart shows (tests read it). */
    int chartPoints() {
        return stepTime.getColumnCount();
    }
}
