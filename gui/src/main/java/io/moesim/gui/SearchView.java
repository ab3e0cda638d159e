package io.moesim.gui;

import io.moesim.gui.viewmodel.ConvergencePoint;
import io.moesim.gui.viewmodel.ExportFormat;
import io.moesim.gui.viewmodel.FrontPoint;
import io.moesim.gui.viewmodel.SearchRow;
import io.moesim.gui.viewmodel.SearchViewModel;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The layout search: objectives (tokens/s/GPU alone, or a Pareto front against memory or GPUs), method
 * (genetic with budget and seed, or exhaustive), the dimensions to replace, Search and Cancel with progress;
 * the convergence (best tokens/s/GPU against the layouts evaluated) as a line chart and, for two objectives,
 * the front as a scatter chart (a click selects the point's layout); the best layouts (or the front) in a
 * table, and Apply (into the editor) and Export (Megatron-LM arguments, a DeepSpeed config or scenario JSON,
 * which can be saved) for the selected one.
 */
public final class SearchView extends BorderPane {
    private final SearchViewModel vm;
    private final XYSeries best = new XYSeries("best tokens/s/GPU", true, true);
    private final JFreeChart chart = Charts.convergence(new XYSeriesCollection(best));
    private final List<ObjectProperty<Integer>> adapters = new ArrayList<>();
    private final TableView<SearchRow> table;
    /** The Pareto front, in the view-model's order (the series keeps insertion order, so item i is front point i). */
    private final XYSeries frontSeries = new XYSeries("front", false, true);
    private final XYSeries selectedSeries = new XYSeries("selected", false, true);
    private final XYSeriesCollection frontData = new XYSeriesCollection();
    private final JFreeChart frontChart = Charts.paretoFront(frontData);

    public SearchView(SearchViewModel vm) {
        this.vm = vm;
        frontData.addSeries(frontSeries);
        frontData.addSeries(selectedSeries);
        ChoiceBox<SearchViewModel.Objectives> objectives = new ChoiceBox<>(
                FXCollections.observableArrayList(vm.objectiveChoices()));
        objectives.setId("search-objectives");
        objectives.setTooltip(new Tooltip("one objective (rank the layouts by tokens/s/GPU) or a Pareto front of two, "
                + "as moe-sim search --objectives throughput,memory | throughput,gpus"));
        objectives.valueProperty().bindBidirectional(vm.objectivesProperty());
        ChoiceBox<SearchViewModel.Method> method = new ChoiceBox<>(FXCollections.observableArrayList(vm.methods()));
        method.setId("search-method");
        method.valueProperty().bindBidirectional(vm.methodProperty());
        Spinner<Integer> budget = spinner(vm.budgetProperty(), 1, 1_000_000);
        budget.setId("search-budget");
        budget.disableProperty().bind(vm.methodProperty().isEqualTo(SearchViewModel.Method.EXHAUSTIVE));
        Spinner<Integer> seed = spinner(vm.seedProperty(), 0, Integer.MAX_VALUE);
        seed.setId("search-seed");
        seed.disableProperty().bind(budget.disableProperty());
        TextField space = new TextField();
        space.setId("search-space");
        space.setPromptText("default space; e.g. tp=1,2 ep=4,8 dispatcher=deepep");
        space.setTooltip(new Tooltip("replace dimensions of the default space, as moe-sim search --space: nodes, tp, pp, "
                + "vpp, cp, ep, etp, microBatch, recompute, dispatcher, a2aOverlap"));
        space.textProperty().bindBidirectional(vm.spaceTextProperty());
        Button run = new Button("Search");
        run.setId("search-run");
        run.setOnAction(e -> vm.run());
        run.disableProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("search-cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.runningProperty().not());
        HBox bar = new HBox(6, objectives, method, new Label("budget"), budget, new Label("seed"), seed, new Label("space"), space,
                run, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);
        budget.setPrefWidth(90);
        seed.setPrefWidth(80);
        HBox.setHgrow(space, Priority.ALWAYS);
        space.setMinWidth(120);
        bar.getChildren().stream().filter(n -> n != space).forEach(n -> ((Region) n).setMinWidth(Region.USE_PREF_SIZE));
        ProgressBar progress = new ProgressBar();
        progress.setId("search-progress");
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.runningProperty());
        Label status = new Label();
        status.setId("search-status");
        status.textProperty().bind(vm.statusProperty());
        HBox state = new HBox(8, progress, status);
        state.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(4, bar, state);
        top.setPadding(new Insets(6));
        setTop(top);

        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId("chart-convergence");
        table = new TableView<>(vm.rows());
        table.setId("search-table");
        table.getColumns().add(column("#", 40, r -> String.valueOf(r.rank())));
        table.getColumns().add(column("tokens/s/GPU", 100, r -> num(r.tokensPerSecondPerGpu(), "%.0f")));
        table.getColumns().add(column("step (s)", 75, r -> num(r.stepTimeSeconds(), "%.2f")));
        table.getColumns().add(column("TFLOPS/GPU", 90, r -> num(r.modelTflopsPerGpu(), "%.1f")));
        table.getColumns().add(column("MFU", 65, r -> num(r.mfu() * 100, "%.1f%%")));
        table.getColumns().add(column("memory (GiB)", 95, r -> num(r.peakMemoryGiB(), "%.1f")));
        table.getColumns().add(column("layout", 380, SearchRow::describe));
        table.setPlaceholder(new Label("Search to rank the layouts of the editor's scenario."));
        Button apply = new Button("Apply to editor");
        apply.setId("search-apply");
        apply.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        apply.setOnAction(e -> vm.apply(table.getSelectionModel().getSelectedItem()));
        ChoiceBox<ExportFormat> format = new ChoiceBox<>(FXCollections.observableArrayList(vm.exportFormats()));
        format.setId("search-export-format");
        format.valueProperty().bindBidirectional(vm.exportFormatProperty());
        Button export = new Button("Export");
        export.setId("search-export");
        export.setTooltip(new Tooltip("the selected layout as Megatron-LM arguments, a DeepSpeed config or a scenario "
                + "file (moe-sim export --format)"));
        export.disableProperty().bind(apply.disableProperty());
        export.setOnAction(e -> vm.export(table.getSelectionModel().getSelectedItem()));
        Button save = new Button("Save export…");
        save.setId("search-save-export");
        save.disableProperty().bind(vm.exportTextProperty().isEmpty());
        save.setOnAction(e -> saveExport());
        Label exportTitle = new Label();
        exportTitle.textProperty().bind(vm.exportTitleProperty());
        HBox actions = new HBox(6, apply, format, export, save, exportTitle);
        actions.setAlignment(Pos.CENTER_LEFT);
        actions.setPadding(new Insets(4, 6, 4, 6));
        TextArea exported = new TextArea();
        exported.setId("search-export-text");
        exported.setEditable(false);
        exported.setStyle("-fx-font-family: monospace;");
        exported.textProperty().bind(vm.exportTextProperty());
        exported.visibleProperty().bind(vm.exportTextProperty().isNotEmpty());
        exported.managedProperty().bind(exported.visibleProperty());
        exported.setPrefRowCount(8);
        VBox lower = new VBox(table, actions, exported);
        VBox.setVgrow(table, Priority.ALWAYS);
        ChartViewer frontViewer = new ChartViewer(frontChart);
        frontViewer.setId("chart-front");
        // a click on a point of the front selects its layout in the table
        frontViewer.addChartMouseListener(new org.jfree.chart.fx.interaction.ChartMouseListenerFX() {
            @Override
            public void chartMouseClicked(org.jfree.chart.fx.interaction.ChartMouseEventFX event) {
                if (event.getEntity() instanceof org.jfree.chart.entity.XYItemEntity item && item.getSeriesIndex() == 0) {
                    selectFrontPoint(item.getItem());
                }
            }

            @Override
            public void chartMouseMoved(org.jfree.chart.fx.interaction.ChartMouseEventFX event) {
            }
        });
        // the front chart takes the right part of the chart row only while there is a front
        SplitPane charts = new SplitPane(viewer);
        vm.front().addListener((ListChangeListener<FrontPoint>) c -> {
            boolean shown = charts.getItems().contains(frontViewer);
            if (!vm.front().isEmpty() && !shown) {
                charts.getItems().add(frontViewer);
                charts.setDividerPositions(0.4);
            } else if (vm.front().isEmpty() && shown) {
                charts.getItems().remove(frontViewer);
            }
        });
        SplitPane split = new SplitPane(charts, lower);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.45);
        setCenter(split);
        vm.convergence().addListener((ListChangeListener<ConvergencePoint>) this::convergenceChanged);
        vm.front().addListener((ListChangeListener<FrontPoint>) c -> frontChanged());
        vm.frontXLabelProperty().addListener(o -> frontChart.getXYPlot().getDomainAxis()
                .setLabel(vm.frontXLabelProperty().get()));
        vm.frontYLabelProperty().addListener(o -> frontChart.getXYPlot().getRangeAxis()
                .setLabel(vm.frontYLabelProperty().get()));
        table.getSelectionModel().selectedItemProperty().addListener((o, old, row) -> showSelected(row));
    }

    private void frontChanged() {
        frontSeries.setNotify(false);
        frontSeries.clear();
        for (FrontPoint p : vm.front()) {
            frontSeries.add(p.x(), p.y(), false);
        }
        frontSeries.setNotify(true);
        frontChart.setTitle("Pareto front: " + vm.front().size() + " layout" + (vm.front().size() == 1 ? "" : "s"));
        showSelected(table.getSelectionModel().getSelectedItem());
    }

    private void showSelected(SearchRow row) {
        selectedSeries.clear();
        for (FrontPoint p : vm.front()) {
            if (p.row() == row) {
                selectedSeries.add(p.x(), p.y());
            }
        }
    }

    /** Selects the layout of the front's {@code index}-th point in the table (what a click on the point does). */
    void selectFrontPoint(int index) {
        if (index >= 0 && index < vm.front().size()) {
            SearchRow row = vm.front().get(index).row();
            table.getSelectionModel().select(row);
            table.scrollTo(row);
        }
    }

    private void convergenceChanged(ListChangeListener.Change<? extends ConvergencePoint> c) {
        List<ConvergencePoint> added = new ArrayList<>();
        boolean cleared = false;
        while (c.next()) {
            if (c.wasRemoved()) {
                cleared = true;
            }
            if (c.wasAdded()) {
                added.addAll(c.getAddedSubList());
            }
        }
        best.setNotify(false);
        if (cleared) {
            best.clear();
            added = new ArrayList<>(vm.convergence());
        }
        for (ConvergencePoint p : added) {
            if (!Double.isNaN(p.bestTokensPerSecondPerGpu())) {
                best.add(p.evaluations(), p.bestTokensPerSecondPerGpu(), false);
            }
        }
        best.setNotify(true);   // one redraw for the batch
    }

    private void saveExport() {
        FileChooser fc = new FileChooser();
        ExportFormat format = vm.exportedFormat();
        fc.setTitle("Save the export (" + format.label() + ")");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(format.label(), format.pattern()));
        fc.setInitialFileName(vm.suggestedExportName());
        File f = fc.showSaveDialog(getScene().getWindow());
        if (f != null) {
            vm.saveExport(f.toPath());   // a failure is reported on the status line
        }
    }

    private Spinner<Integer> spinner(javafx.beans.property.IntegerProperty p, int min, int max) {
        Spinner<Integer> s = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, p.get()));
        s.setEditable(true);
        ObjectProperty<Integer> boxed = p.asObject();
        adapters.add(boxed);
        s.getValueFactory().valueProperty().bindBidirectional(boxed);
        return s;
    }

    private static String num(double v, String format) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    private static TableColumn<SearchRow, String> column(String title, double width, Function<SearchRow, String> f) {
        TableColumn<SearchRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setSortable(false);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(f.apply(cell.getValue())));
        return c;
    }

    /** The results table. */
    TableView<SearchRow> table() {
        return table;
    }

    /** Points of the front chart: the front's, then the selected one's (tests read them). */
    int[] frontChartPoints() {
        return new int[]{frontSeries.getItemCount(), selectedSeries.getItemCount()};
    }

    /** The front chart's axis labels, x then y. */
    String[] frontAxes() {
        return new String[]{frontChart.getXYPlot().getDomainAxis().getLabel(), frontChart.getXYPlot().getRangeAxis().getLabel()};
    }

    /** Points of the convergence chart (tests read it). */
    int convergencePoints() {
        return best.getItemCount();
    }
}
