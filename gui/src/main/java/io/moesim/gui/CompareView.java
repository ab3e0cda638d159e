package io.moesim.gui;

import io.moesim.gui.viewmodel.CompareRow;
import io.moesim.gui.viewmodel.CompareViewModel;
import io.moesim.gui.viewmodel.SimulationOutcome;
import java.io.File;
import java.nio.file.Path;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Two simulations side by side: B is the editor's scenario with another strategy preset or a second
 * scenario file; a table of the headline metrics and the breakdown with B − A (absolute and per cent,
 * green where B is better, red where worse), and the two step-time breakdown charts on one scale.
 */
public final class CompareView extends BorderPane {
    static final String BETTER_STYLE = "-fx-text-fill: #1b7f3b; -fx-font-weight: bold;";
    static final String WORSE_STYLE = "-fx-text-fill: #b00020; -fx-font-weight: bold;";

    private final CompareViewModel vm;
    private final DefaultCategoryDataset dataA = new DefaultCategoryDataset();
    private final DefaultCategoryDataset dataB = new DefaultCategoryDataset();
    private final JFreeChart chartA = Charts.breakdown(dataA);
    private final JFreeChart chartB = Charts.breakdown(dataB);

    public CompareView(CompareViewModel vm) {
        this.vm = vm;
        ChoiceBox<CompareViewModel.Mode> mode = new ChoiceBox<>(FXCollections.observableArrayList(vm.modes()));
        mode.setId("compare-mode");
        mode.valueProperty().bindBidirectional(vm.modeProperty());
        ComboBox<String> strategy = new ComboBox<>(FXCollections.observableArrayList(vm.strategyChoices()));
        strategy.setId("compare-strategy");
        strategy.valueProperty().bindBidirectional(vm.otherStrategyProperty());
        strategy.visibleProperty().bind(vm.modeProperty().isEqualTo(CompareViewModel.Mode.STRATEGY));
        strategy.managedProperty().bind(strategy.visibleProperty());
        Label file = new Label();
        file.setId("compare-file");
        file.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            Path f = vm.otherFileProperty().get();
            return f == null ? "(no file chosen)" : f.getFileName().toString();
        }, vm.otherFileProperty()));
        Button choose = new Button("Open B…");
        choose.setId("compare-open");
        choose.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Scenario B");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Scenario (JSON)", "*.json"));
            File f = fc.showOpenDialog(getScene().getWindow());
            if (f != null) {
                vm.otherFileProperty().set(f.toPath());
            }
        });
        HBox fileBox = new HBox(6, file, choose);
        fileBox.setAlignment(Pos.CENTER_LEFT);
        fileBox.visibleProperty().bind(vm.modeProperty().isEqualTo(CompareViewModel.Mode.FILE));
        fileBox.managedProperty().bind(fileBox.visibleProperty());
        Button run = new Button("Compare");
        run.setId("compare-run");
        run.setOnAction(e -> vm.compare());
        run.disableProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("compare-cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.runningProperty().not());
        ProgressBar progress = new ProgressBar(-1);
        progress.visibleProperty().bind(vm.runningProperty());
        Label status = new Label();
        status.setId("compare-status");
        status.textProperty().bind(vm.statusProperty());
        HBox bar = new HBox(6, new Label("A = the editor's scenario;  B ="), mode, strategy, fileBox, run, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getChildren().forEach(n -> ((Region) n).setMinWidth(Region.USE_PREF_SIZE));
        HBox state = new HBox(8, progress, status);
        state.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(4, bar, state);
        top.setPadding(new Insets(6));
        setTop(top);

        TableView<CompareRow> table = new TableView<>(vm.rows());
        table.setId("compare-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.getColumns().add(column("metric", 170, r -> r.metric() + (r.unit().isEmpty() ? "" : " (" + r.unit() + ")"),
                false));
        TableColumn<CompareRow, String> a = column("A", 110, CompareRow::aText, false);
        a.textProperty().bind(vm.labelAProperty());
        TableColumn<CompareRow, String> b = column("B", 110, CompareRow::bText, false);
        b.textProperty().bind(vm.labelBProperty());
        table.getColumns().add(a);
        table.getColumns().add(b);
        table.getColumns().add(column("B − A", 110, CompareRow::differenceText, true));
        table.getColumns().add(column("B vs A", 80, CompareRow::percentText, true));
        table.setPlaceholder(new Label("Compare the editor's scenario with another strategy or another scenario file."));

        ChartViewer viewerA = new ChartViewer(chartA);
        viewerA.setId("chart-compare-a");
        ChartViewer viewerB = new ChartViewer(chartB);
        viewerB.setId("chart-compare-b");
        viewerA.setPrefSize(400, 260);
        viewerB.setPrefSize(400, 260);
        HBox charts = new HBox(viewerA, viewerB);
        HBox.setHgrow(viewerA, Priority.ALWAYS);
        HBox.setHgrow(viewerB, Priority.ALWAYS);
        SplitPane split = new SplitPane(table, charts);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        setCenter(split);
        vm.revisionProperty().addListener(o -> refresh());
        refresh();
    }

    private static TableColumn<CompareRow, String> column(String title, double width, Function<CompareRow, String> f,
                                                          boolean coloured) {
        TableColumn<CompareRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setSortable(false);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(f.apply(cell.getValue())));
        if (coloured) {
            c.setCellFactory(col -> new TableCell<>() {
                @Override
                protected void updateItem(String item, boolean empty) {
                    super.updateItem(item, empty);
                    setText(empty ? null : item);
                    CompareRow r = empty || getTableRow() == null ? null : getTableRow().getItem();
                    setStyle(r == null ? "" : styleOf(r.verdict()));
                }
            });
        }
        return c;
    }

    /** The text style of a difference: green when B is better, red when worse. */
    static String styleOf(CompareRow.Verdict v) {
        return switch (v) {
            case BETTER -> BETTER_STYLE;
            case WORSE -> WORSE_STYLE;
            default -> "";
        };
    }

    private void refresh() {
        double top = fill(dataA, chartA, vm.outcomeA().get(), vm.chartTitleAProperty().get());
        top = Math.max(top, fill(dataB, chartB, vm.outcomeB().get(), vm.chartTitleBProperty().get()));
        if (top > 0) {
            // one scale for both, so the bars compare at a glance
            chartA.getCategoryPlot().getRangeAxis().setRange(0, top * 1.15);
            chartB.getCategoryPlot().getRangeAxis().setRange(0, top * 1.15);
        }
    }

    private static double fill(DefaultCategoryDataset data, JFreeChart chart, SimulationOutcome o, String title) {
        data.clear();
        chart.setTitle(title);
        if (o == null) {
            return 0;
        }
        double max = 0;
        for (SimulationOutcome.Item i : o.breakdown()) {
            data.addValue(i.value(), o.breakdownUnit(), i.label());
            max = Math.max(max, i.value());
        }
        chart.getCategoryPlot().getRangeAxis().setLabel(switch (o.breakdownUnit()) {
            case "ms" -> "milliseconds";
            case "us" -> "microseconds";
            default -> "seconds";
        });
        return max;
    }

    /** Bars of A's and B's charts (tests read them). */
    int[] chartBars() {
        return new int[] {dataA.getColumnCount(), dataB.getColumnCount()};
    }
}
