package io.moesim.gui;

import io.moesim.gui.viewmodel.ResultsViewModel;
import io.moesim.gui.viewmodel.SimulationOutcome;
import java.util.Locale;
import javafx.geometry.Orientation;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The results of the last simulation: the timeline above, the step-time breakdown and the memory
 * breakdown against the HBM capacity below (JFreeChart's JavaFX viewer).
 */
public final class ResultsView extends SplitPane {
    private final ResultsViewModel vm;
    private final DefaultCategoryDataset breakdownData = new DefaultCategoryDataset();
    private final DefaultCategoryDataset memoryData = new DefaultCategoryDataset();
    private final ValueMarker hbm = new ValueMarker(0);
    private final JFreeChart breakdownChart = Charts.breakdown(breakdownData);
    private final JFreeChart memoryChart = Charts.memory(memoryData, hbm);
    private final TimelineView timeline;

    public ResultsView(ResultsViewModel vm, TimelineView timeline) {
        this.vm = vm;
        this.timeline = timeline;
        setOrientation(Orientation.VERTICAL);
        ChartViewer breakdownViewer = new ChartViewer(breakdownChart);
        breakdownViewer.setId("chart-breakdown");
        ChartViewer memoryViewer = new ChartViewer(memoryChart);
        memoryViewer.setId("chart-memory");
        breakdownViewer.setPrefSize(420, 260);
        memoryViewer.setPrefSize(520, 260);
        HBox charts = new HBox(breakdownViewer, memoryViewer);
        HBox.setHgrow(breakdownViewer, Priority.ALWAYS);
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
    }

    /** The timeline above the charts. */
    public TimelineView timeline() {
        return timeline;
    }

    /** Categories (parts) the breakdown chart shows (tests read it). */
    int breakdownBars() {
        return breakdownData.getColumnCount();
    }

    /** Parts the memory chart shows. */
    int memoryParts() {
        return memoryData.getRowCount();
    }
}
