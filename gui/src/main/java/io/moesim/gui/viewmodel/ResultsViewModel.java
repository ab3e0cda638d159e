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
 * the HBM capacity, the routed-token load of each expert-parallel rank (or why there is none), and the
 * one-line headline. Follows {@link SimulationViewModel#outcomeProperty()}
 * and feeds the timeline.
 *
 * @implNote use it from the JavaFX application thread; it needs no running toolkit.
 */
public final class ResultsViewModel {
    /** What the load chart shows instead of bars for a model without experts. */
    public static final String DENSE_PLACEHOLDER = "dense model: no experts";

    private final ObservableList<SimulationOutcome.Item> breakdown = FXCollections.observableArrayList();
    private final ObservableList<SimulationOutcome.Item> memory = FXCollections.observableArrayList();
    private final ReadOnlyDoubleWrapper hbmGiB = new ReadOnlyDoubleWrapper(this, "hbmGiB", Double.NaN);
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper(this, "headline", "");
    private final ReadOnlyStringWrapper breakdownTitle = new ReadOnlyStringWrapper(this, "breakdownTitle", "");
    private final ReadOnlyStringWrapper breakdownUnit = new ReadOnlyStringWrapper(this, "breakdownUnit", "s");
    private final ReadOnlyStringWrapper memoryTitle = new ReadOnlyStringWrapper(this, "memoryTitle", "");
    private final ObservableList<SimulationOutcome.RankLoad> epLoads = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper epLoadTitle = new ReadOnlyStringWrapper(this, "epLoadTitle", "");
    private final ReadOnlyStringWrapper epLoadSubtitle = new ReadOnlyStringWrapper(this, "epLoadSubtitle", "");
    private final ReadOnlyStringWrapper epLoadPlaceholder = new ReadOnlyStringWrapper(this, "epLoadPlaceholder", "");
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
            epLoads.clear();
            epLoadTitle.set("");
            epLoadSubtitle.set("");
            epLoadPlaceholder.set("");
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
                "Memory per GPU, PP rank %d: %.1f / %.0f GiB", o.memoryPipelineRank(),
                o.memoryGiB().stream().mapToDouble(SimulationOutcome.Item::value).sum(), o.hbmGiB()));
        showEpLoads(o);
        timeline.setData(o.timeline());
        revision.set(revision.get() + 1);
    }

    private void showEpLoads(SimulationOutcome o) {
        epLoads.setAll(o.epRankLoads());
        if (o.training() == null) {
            epLoadTitle.set("Load per EP rank");
            epLoadSubtitle.set("");
            epLoadPlaceholder.set("load per expert-parallel rank: training steps only");
        } else if (epLoads.isEmpty()) {
            epLoadTitle.set("Load per EP rank");
            epLoadSubtitle.set("");
            epLoadPlaceholder.set(DENSE_PLACEHOLDER);
        } else {
            double worst = epLoads.stream().mapToDouble(SimulationOutcome.RankLoad::max).max().orElse(Double.NaN);
            epLoadTitle.set(String.format(Locale.ROOT, "EP load imbalance %.2f\u00d7", o.training().loadImbalance()));
            epLoadSubtitle.set(epLoads.size() == 1 ? "ep = 1: every GPU holds all experts"
                    : String.format(Locale.ROOT, "busiest of %d ranks over the mean, averaged over MoE layers; "
                    + "worst layer %.2f\u00d7", epLoads.size(), worst));
            epLoadPlaceholder.set("");
        }
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

    /**
     * Each expert-parallel rank's routed tokens over the group mean, in rank order: averaged over the MoE
     * layers and the largest in one layer. Empty for a dense model, a MoE layer or a dispatch.
     */
    public ObservableList<SimulationOutcome.RankLoad> epLoads() {
        return epLoads;
    }

    /** The load chart's title: the busiest rank's tokens over the mean, averaged over the MoE layers. */
    public ReadOnlyStringProperty epLoadTitleProperty() {
        return epLoadTitle.getReadOnlyProperty();
    }

    /** The load chart's subtitle: the number of ranks and the worst single-layer ratio. */
    public ReadOnlyStringProperty epLoadSubtitleProperty() {
        return epLoadSubtitle.getReadOnlyProperty();
    }

    /** Why there is no load chart ({@value #DENSE_PLACEHOLDER} for a dense model), or empty when there is one. */
    public ReadOnlyStringProperty epLoadPlaceholderProperty() {
        return epLoadPlaceholder.getReadOnlyProperty();
    }
}
