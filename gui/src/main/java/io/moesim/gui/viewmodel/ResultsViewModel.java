package io.moesim.gui.viewmodel;

import java.util.Locale;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * What the charts of a finished simulation show: the step-time breakdown (compute, exposed
 * communication, host-bound, pipeline bubble of the busiest stage), the per-GPU memory by part against
 * the HBM capacity, and the one-line headline. Follows {@link SimulationViewModel#outcomeProperty()}
 * and feeds the timeline.
 *
 * @implNote use it from the JavaFX application thread; it needs no running toolkit.
 */
public final class ResultsViewModel {
    private final ObservableList<SimulationOutcome.Item> breakdown = FXCollections.observableArrayList();
    private final ObservableList<SimulationOutcome.Item> memory = FXCollections.observableArrayList();
    private final ReadOnlyDoubleWrapper hbmGiB = new ReadOnlyDoubleWrapper(this, "hbmGiB", Double.NaN);
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper(this, "headline", "");
    private final ReadOnlyStringWrapper breakdownTitle = new ReadOnlyStringWrapper(this, "breakdownTitle", "");
    private final ReadOnlyStringWrapper breakdownUnit = new ReadOnlyStringWrapper(this, "breakdownUnit", "s");
    private final ReadOnlyStringWrapper memoryTitle = new ReadOnlyStringWrapper(this, "memoryTitle", "");
    private final TimelineViewModel timeline;
    private final javafx.beans.property.ReadOnlyIntegerWrapper revision =
            new javafx.beans.property.ReadOnlyIntegerWrapper(this, "revision", 0);

    public ResultsViewModel(SimulationViewModel simulation, TimelineViewModel timeline) {
        this.timeline = timeline;
        simulation.outcomeProperty().addListener((o, old, now) -> show(now));
    }

    /** Shows an outcome (null clears). */
    public void show(SimulationOutcome o) {
        if (o == null) {
            breakdown.clear();
            memory.clear();
            hbmGiB.set(Double.NaN);
            headline.set("");
            breakdownTitle.set("");
            memoryTitle.set("");
            timeline.setData(null);
            revision.set(revision.get() + 1);
            return;
        }
        headline.set(o.scenario().name() + ": " + o.headline());
        breakdownUnit.set(o.breakdownUnit());
        breakdownTitle.set(o.training() != null
                ? String.format(Locale.ROOT, "Step time %.2f s (busiest stage)", o.training().stepTimeSeconds())
                : o.layer() != null ? String.format(Locale.ROOT, "MoE layer forward %.3f ms", o.layer().layerTimeMs())
                : "Dispatch and combine");
        breakdown.setAll(o.breakdown());
        memory.setAll(o.memoryGiB());
        hbmGiB.set(o.hbmGiB());
        memoryTitle.set(o.training() == null ? "Memory (training steps only)" : String.format(Locale.ROOT,
                "Memory per GPU, pipeline rank %d: %.1f of %.0f GiB", o.memoryPipelineRank(),
                o.memoryGiB().stream().mapToDouble(SimulationOutcome.Item::value).sum(), o.hbmGiB()));
        timeline.setData(o.timeline());
        revision.set(revision.get() + 1);
    }

    /** Changes once per {@link #show}, after every figure is in place (charts redraw on it). */
    public javafx.beans.property.ReadOnlyIntegerProperty revisionProperty() {
        return revision.getReadOnlyProperty();
    }

    /** Where the time went ({@link #breakdownUnitProperty()}). */
    public ObservableList<SimulationOutcome.Item> breakdown() {
        return breakdown;
    }

    /** Memory by part, GiB. */
    public ObservableList<SimulationOutcome.Item> memory() {
        return memory;
    }

    /** HBM capacity, GiB (NaN when there is no memory figure). */
    public ReadOnlyDoubleProperty hbmGiBProperty() {
        return hbmGiB.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty breakdownTitleProperty() {
        return breakdownTitle.getReadOnlyProperty();
    }

    /** Unit of the breakdown: {@code s}, {@code ms} or {@code us}. */
    public ReadOnlyStringProperty breakdownUnitProperty() {
        return breakdownUnit.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty memoryTitleProperty() {
        return memoryTitle.getReadOnlyProperty();
    }
}
