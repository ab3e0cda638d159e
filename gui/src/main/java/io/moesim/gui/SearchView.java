package io.moesim.gui;

import io.moesim.gui.viewmodel.ConvergencePoint;
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
 * The layout search: method (genetic with budget and seed, or exhaustive), the dimensions to replace,
 * Search and Cancel with progress; the convergence (best tokens/s/GPU against the layouts evaluated) as a
 * line chart, the best layouts in a table, and Apply (into the editor) and Export (the layout as scenario
 * JSON, which can be saved) for the selected one.
 */
public final class SearchView extends BorderPane {
    private final SearchViewModel vm;
    private final XYSeries best = new XYSeries("best tokens/s/GPU", true, true);
    private final JFreeChart chart = Charts.convergence(new XYSeriesCollection(best));
    private final List<ObjectProperty<Integer>> adapters = new ArrayList<>();
    private final TableView<SearchRow> table;

    public SearchView(SearchViewModel vm) {
        this.vm = vm;
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
        HBox bar = new HBox(6, method, new Label("budget"), budget, new Label("seed"), seed, new Label("space"), space,
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
        Button export = new Button("Export");
        export.setId("search-export");
        export.setTooltip(new Tooltip("the selected layout as a scenario file (moe-sim export --format scenario)"));
        export.disableProperty().bind(apply.disableProperty());
        export.setOnAction(e -> vm.export(table.getSelectionModel().getSelectedItem()));
        Button save = new Button("Save export…");
        save.setId("search-save-export");
        save.disableProperty().bind(vm.exportTextProperty().isEmpty());
        save.setOnAction(e -> saveExport());
        Label exportTitle = new Label();
        exportTitle.textProperty().bind(vm.exportTitleProperty());
        HBox actions = new HBox(6, apply, export, save, exportTitle);
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
        SplitPane split = new SplitPane(viewer, lower);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.45);
        setCenter(split);
        vm.convergence().addListener((ListChangeListener<ConvergencePoint>) this::convergenceChanged);
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
        fc.setTitle("Save the exported scenario");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Scenario (JSON)", "*.json"));
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

    /** Points of the convergence chart (tests read it). */
    int convergencePoints() {
        return best.getItemCount();
    }
}
