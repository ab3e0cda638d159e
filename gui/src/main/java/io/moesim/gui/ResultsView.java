package io.moesim.gui;

import io.moesim.gui.viewmodel.ResultsViewModel;
import io.moesim.gui.viewmodel.SimulationOutcome;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.text.TextAlignment;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The results of the last simulation: the timeline above; below it the step-time breakdown, the load of
 * each expert-parallel rank (a placeholder text for a dense model) and the memory breakdown against the
 * HBM capacity (JFreeChart's JavaFX viewer).
 */
public final class ResultsView extends SplitPane {
    private final ResultsViewModel vm;
    private final DefaultCategoryDataset breakdownData = new DefaultCategoryDataset();
    private final DefaultCategoryDataset memoryData = new DefaultCategoryDataset();
    private final ValueMarker hbm = new ValueMarker(0);
    private final JFreeChart breakdownChart = Charts.breakdown(breakdownData);
    private final JFreeChart memoryChart = Charts.memory(memoryData, hbm);
    private final JFreeChart loadChart = Charts.epLoad();
    private final ChartViewer loadViewer = new ChartViewer(loadChart);
    private final Label loadPlaceholder = new Label();
    private final Label loadPlaceholderTitle = new Label("Load per EP rank");
    private final TimelineView timeline;

    public ResultsView(ResultsViewModel vm, TimelineView timeline) {
        this.vm = vm;
        this.timeline = timeline;
        setOrientation(Orientation.VERTICAL);
        ChartViewer breakdownViewer = new ChartViewer(breakdownChart);
        breakdownViewer.setId("chart-breakdown");
        ChartViewer memoryViewer = new ChartViewer(memoryChart);
        memoryViewer.setId("chart-memory");
        loadViewer.setId("chart-load");
        loadPlaceholder.setId("chart-load-placeholder");
        loadPlaceholder.setWrapText(true);
        loadPlaceholder.setTextAlignment(TextAlignment.CENTER);
        loadPlaceholder.setStyle("-fx-font-size: 13px; -fx-text-fill: #555;");
        loadPlaceholderTitle.setStyle("-fx-font-size: 13px; -fx-font-weight: bold;");
        loadPlaceholderTitle.setPadding(new Insets(6, 0, 0, 0));
        StackPane.setAlignment(loadPlaceholderTitle, Pos.TOP_CENTER);
        StackPane load = new StackPane(loadViewer, loadPlaceholderTitle, loadPlaceholder);
        load.setStyle("-fx-background-color: white;");
        load.setMinWidth(0);
        breakdownViewer.setPrefSize(310, 260);
        load.setPrefSize(300, 260);
        memoryViewer.setPrefSize(320, 260);
        HBox charts = new HBox(breakdownViewer, load, memoryViewer);
        HBox.setHgrow(breakdownViewer, Priority.ALWAYS);
        HBox.setHgrow(load, Priority.ALWAYS);
        HBox.setHgrow(memoryViewer, Priority.ALWAYS);
        getItems().addAll(timeline, charts);
        setDividerPositions(0.6);
        vm.revisionProperty().addListener(o -> refresh());
        refresh();
    }

    private void refresh() {
        breakdownData.clear();
        String unit = vm.breakdownUnitProperty().get();
        for (SimulationOutcome.Item i : vm.breakdown()) {
            breakdownData.addValue(i.value(), unit, i.label());
        }
        breakdownChart.setTitle(vm.breakdownTitleProperty().get().isEmpty() ? "Step time"
                : vm.breakdownTitleProperty().get());
        breakdownChart.getCategoryPlot().getRangeAxis().setLabel(switch (unit) {
            case "ms" -> "milliseconds";
            case "us" -> "microseconds";
            default -> "seconds";
        });
        memoryData.clear();
        for (SimulationOutcome.Item i : vm.memory()) {
            memoryData.addValue(i.value(), i.label(), "per GPU");
        }
        double cap = vm.hbmGiBProperty().get();
        memoryChart.setTitle(vm.memoryTitleProperty().get().isEmpty() ? "Memory per GPU" : vm.memoryTitleProperty().get());
        if (Double.isNaN(cap)) {
            hbm.setValue(0);
            hbm.setLabel("");
        } else {
            hbm.setValue(cap);
            hbm.setLabel(String.format(Locale.ROOT, "HBM %.0f GiB ", cap));
            double total = vm.memory().stream().mapToDouble(SimulationOutcome.Item::value).sum();
            memoryChart.getCategoryPlot().getRangeAxis().setRange(0, Math.max(total, cap) * 1.12);
        }
        refreshLoad();
    }

    private void refreshLoad() {
        List<SimulationOutcome.RankLoad> loads = vm.epLoads();
        double[] mean = new double[loads.size()];
        double[] max = new double[loads.size()];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = loads.get(i).mean();
            max[i] = loads.get(i).max();
        }
        String title = vm.epLoadTitleProperty().get();
        loadChart.setNotify(false);
        loadChart.setTitle(title.isEmpty() ? "Load per EP rank" : title);
        Charts.setSubtitle(loadChart, vm.epLoadSubtitleProperty().get());
        loadChart.setNotify(true);
        Charts.setEpLoads(loadChart, mean, max);
        String placeholder = vm.epLoadPlaceholderProperty().get();
        loadPlaceholder.setText(placeholder);
        loadPlaceholder.setVisible(!placeholder.isEmpty());
        loadPlaceholderTitle.setVisible(!placeholder.isEmpty());
        loadViewer.setVisible(placeholder.isEmpty());
    }

    /** The timeline above the charts. */
    public TimelineView timeline() {
        return timeline;
    }

    /** Categories (parts) the breakdown chart shows (tests read it). */
    int breakdownBars() {
        return breakdownData.getColumnCount();
    }

    /** Bars (EP ranks) the load chart shows. */
    int loadBars() {
        return loadSeries(0).getItemCount();
    }

    /** The load chart's bar for EP rank {@code rank}: its tokens over the mean, averaged over the MoE layers. */
    double loadMean(int rank) {
        return loadSeries(0).getY(rank).doubleValue();
    }

    /** The load chart's lighter bar for EP rank {@code rank}: its largest tokens over the mean in one MoE layer. */
    double loadMax(int rank) {
        return loadSeries(1).getY(rank).doubleValue();
    }

    /** The load chart's title. */
    String loadTitle() {
        return loadChart.getTitle().getText();
    }

    private XYSeries loadSeries(int dataset) {
        return ((XYSeriesCollection) loadChart.getXYPlot().getDataset(dataset)).getSeries(0);
    }

    /** Parts the memory chart shows. */
    int memoryParts() {
        return memoryData.getRowCount();
    }
}
