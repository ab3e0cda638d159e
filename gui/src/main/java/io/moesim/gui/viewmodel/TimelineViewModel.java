package io.moesim.gui.viewmodel;

import io.moesim.engine.Category;
import io.moesim.engine.Span;
import io.moesim.io.ChromeTrace;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The timeline's state: which spans ({@link TimelineData}), which time window
 * ({@link #viewStartNsProperty()} to {@link #viewEndNsProperty()}), which rows (a rank filter such as
 * {@code 0-3,7}, optionally the main stream only), and what the pointer is over. Zooming keeps the time
 * under the pointer fixed; panning moves the window by a fraction of its width; the window never leaves
 * the run. Every change bumps {@link #revisionProperty()} so a view redraws once.
 *
 * <pre>{@code
 * TimelineViewModel t = new TimelineViewModel();
 * t.setData(TimelineData.of(result));
 * t.zoom(4, 0.5);             // 4x in, around the middle
 * t.pan(-0.25);               // a quarter window to the left
 * t.rankFilterProperty().set("0-1");
 * }</pre>
 *
 * @implNote use it from one thread (the JavaFX application thread); it needs no running toolkit.
 */
public final class TimelineViewModel {
    /** Smallest window, ns (zooming in stops there). */
    public static final double MIN_WINDOW_NS = 1_000;

    /** A category's legend entry: its id, a readable label and its colour as {@code #rrggbb}. */
    public record LegendEntry(int ordinal, String id, String label, String color) {
    }

    private static final List<LegendEntry> LEGEND = legend();

    private final ReadOnlyObjectWrapper<TimelineData> data = new ReadOnlyObjectWrapper<>(this, "data");
    private final ReadOnlyDoubleWrapper viewStartNs = new ReadOnlyDoubleWrapper(this, "viewStartNs", 0);
    private final ReadOnlyDoubleWrapper viewEndNs = new ReadOnlyDoubleWrapper(this, "viewEndNs", 1);
    private final StringProperty rankFilter = new SimpleStringProperty(this, "rankFilter", "");
    private final BooleanProperty mainStreamOnly = new SimpleBooleanProperty(this, "mainStreamOnly", false);
    private final ReadOnlyStringWrapper rankFilterError = new ReadOnlyStringWrapper(this, "rankFilterError", "");
    private final ReadOnlyStringWrapper hoverText = new ReadOnlyStringWrapper(this, "hoverText", "");
    private final ReadOnlyIntegerWrapper revision = new ReadOnlyIntegerWrapper(this, "revision", 0);
    private int[] visibleRows = new int[0];

    public TimelineViewModel() {
        rankFilter.addListener(o -> refilter());
        mainStreamOnly.addListener(o -> refilter());
    }

    private static List<LegendEntry> legend() {
        // Tableau-like colours: compute in blues/greens, communication in warm colours, host in grey.
        String[] colors = {"#4e79a7", "#59a14f", "#8cd17d", "#e15759", "#f28e2b", "#b07aa1", "#edc948", "#ff9da7",
            "#9c755f", "#bab0ac"};
        List<LegendEntry> out = new ArrayList<>();
        for (Category c : Category.values()) {
            String color = c.ordinal() < colors.length ? colors[c.ordinal()] : "#76b7b2";
            String label = switch (c) {
                case GEMM -> "GEMM";
                case ATTENTION -> "attention";
                case MEMORY -> "memory-bound";
                case EP_COMM -> "EP dispatch/combine";
                case TP_COMM -> "TP collectives";
                case CP_COMM -> "CP communication";
                case PP_COMM -> "PP send/recv";
                case DP_COMM -> "DP gradients";
                case OTHER_COMM -> "other communication";
                case HOST -> "host (launch, sync)";
            };
            out.add(new LegendEntry(c.ordinal(), c.id(), label, color));
        }
        return List.copyOf(out);
    }

    /** One entry per category, by ordinal (the ordinals {@link TimelineData#layout} reports). */
    public List<LegendEntry> legendEntries() {
        return LEGEND;
    }

    /** Shows a run (null clears), fitting the window to it; the rank filter is kept when it still applies. */
    public void setData(TimelineData d) {
        data.set(d);
        hoverText.set("");
        refilter();
        fit();
    }

    /** Shows the whole run. */
    public void fit() {
        TimelineData d = data.get();
        setWindow(0, d == null || d.endNs() == 0 ? 1 : d.endNs());
    }

    /**
     * Zooms by {@code factor} (above 1: in) keeping the time at {@code anchorFraction} of the window's
     * width where it is.
     */
    public void zoom(double factor, double anchorFraction) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("zoom factor must be positive, got " + factor);
        }
        double a = Math.max(0, Math.min(1, anchorFraction));
        double t0 = viewStartNs.get();
        double w = viewEndNs.get() - t0;
        double anchor = t0 + a * w;
        double nw = Math.max(MIN_WINDOW_NS, Math.min(totalNs(), w / factor));
        setWindow(anchor - a * nw, anchor - a * nw + nw);
    }

    /** Zooms in twofold around the middle. */
    public void zoomIn() {
        zoom(2, 0.5);
    }

    /** Zooms out twofold around the middle. */
    public void zoomOut() {
        zoom(0.5, 0.5);
    }

    /** Moves the window by {@code fraction} of its width (positive: later). */
    public void pan(double fraction) {
        double t0 = viewStartNs.get();
        double w = viewEndNs.get() - t0;
        setWindow(t0 + fraction * w, t0 + fraction * w + w);
    }

    private double totalNs() {
        TimelineData d = data.get();
        return d == null || d.endNs() == 0 ? 1 : d.endNs();
    }

    /** Sets the window, clamped to the run. */
    public void setWindow(double t0, double t1) {
        double total = totalNs();
        double w = Math.min(total, Math.max(Math.min(MIN_WINDOW_NS, total), t1 - t0));
        double s = Math.max(0, Math.min(total - w, t0));
        viewStartNs.set(s);
        viewEndNs.set(s + w);
        bump();
    }

    private void refilter() {
        TimelineData d = data.get();
        if (d == null) {
            visibleRows = new int[0];
            rankFilterError.set("");
            bump();
            return;
        }
        BitSet ranks;
        try {
            ranks = ChromeTrace.ranks(rankFilter.get(), d.gpuCount());
            rankFilterError.set("");
        } catch (IllegalArgumentException e) {
            rankFilterError.set(e.getMessage());
            ranks = ChromeTrace.ranks(null, d.gpuCount());
        }
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < d.rowCount(); r++) {
            if (ranks.get(d.rowGpu(r)) && (!mainStreamOnly.get() || d.rowStream(r) == 0)) {
                rows.add(r);
            }
        }
        visibleRows = rows.stream().mapToInt(Integer::intValue).toArray();
        bump();
    }

    private void bump() {
        revision.set(revision.get() + 1);
    }

    /** Rows shown, in order (indices into {@link TimelineData}). */
    public int[] visibleRows() {
        return visibleRows.clone();
    }

    /** Rows shown. */
    public int visibleRowCount() {
        return visibleRows.length;
    }

    /** The data row shown at position {@code i}. */
    public int visibleRow(int i) {
        return visibleRows[i];
    }

    /**
     * Describes the span under the pointer (or within 3 px of it) and publishes it as
     * {@link #hoverTextProperty()}; an empty text when there is none.
     *
     * @param position position among the visible rows (-1: none)
     * @param x        pointer x in pixels from the window's left edge
     * @param widthPx  window width in pixels
     * @return the text
     */
    public String hover(int position, double x, double widthPx) {
        TimelineData d = data.get();
        String text = "";
        if (d != null && position >= 0 && position < visibleRows.length && widthPx > 0) {
            double t0 = viewStartNs.get();
            double nsPerPx = (viewEndNs.get() - t0) / widthPx;
            int row = visibleRows[position];
            int i = d.spanAt(row, t0 + x * nsPerPx, 3 * nsPerPx);
            if (i >= 0) {
                text = describe(d.span(row, i));
            }
        }
        hoverText.set(text);
        return text;
    }

    /** A span in words: name, category, GPU and stream, start, duration, and its FLOPs or bytes. */
    public static String describe(Span s) {
        StringBuilder sb = new StringBuilder();
        sb.append(s.name()).append('\n');
        sb.append(LEGEND.get(s.category().ordinal()).label()).append(" · GPU ").append(s.gpu()).append(" stream ")
                .append(s.stream()).append('\n');
        sb.append("start ").append(TimeFormat.ns(s.startNs())).append(" · duration ").append(TimeFormat.ns(s.durationNs()));
        if (s.flops() > 0) {
            double secs = s.durationNs() / 1e9;
            sb.append(String.format(Locale.ROOT, "%n%.3f GFLOP", s.flops() / 1e9));
            if (secs > 0) {
                sb.append(String.format(Locale.ROOT, " · %.1f TFLOPS", s.flops() / secs / 1e12));
            }
        }
        if (s.bytes() > 0) {
            sb.append(String.format(Locale.ROOT, "%n%.3f MB", s.bytes() / 1e6));
            if (s.durationNs() > 0) {
                sb.append(String.format(Locale.ROOT, " · %.1f GB/s", (double) s.bytes() / s.durationNs()));
            }
        }
        return sb.toString();
    }

    /** Clears the hover text (pointer left the timeline). */
    public void clearHover() {
        hoverText.set("");
    }

    /** The window's zoom relative to the whole run (1 = all of it). */
    public double zoomLevel() {
        return totalNs() / (viewEndNs.get() - viewStartNs.get());
    }

    public ReadOnlyObjectProperty<TimelineData> dataProperty() {
        return data.getReadOnlyProperty();
    }

    /** Left edge of the window, simulated ns. */
    public ReadOnlyDoubleProperty viewStartNsProperty() {
        return viewStartNs.getReadOnlyProperty();
    }

    /** Right edge of the window, simulated ns. */
    public ReadOnlyDoubleProperty viewEndNsProperty() {
        return viewEndNs.getReadOnlyProperty();
    }

    /** GPUs to show, e.g. {@code 0-3,7}; empty: all. */
    public StringProperty rankFilterProperty() {
        return rankFilter;
    }

    /** Show only each GPU's main (compute) stream. */
    public BooleanProperty mainStreamOnlyProperty() {
        return mainStreamOnly;
    }

    /** Why the rank filter was not understood (all GPUs are shown meanwhile), or empty. */
    public ReadOnlyStringProperty rankFilterErrorProperty() {
        return rankFilterError.getReadOnlyProperty();
    }

    /** The span under the pointer in words, or empty. */
    public ReadOnlyStringProperty hoverTextProperty() {
        return hoverText.getReadOnlyProperty();
    }

    /** Changes whenever anything drawn changes. */
    public ReadOnlyIntegerProperty revisionProperty() {
        return revision.getReadOnlyProperty();
    }
}
