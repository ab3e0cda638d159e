package io.moesim.gui;

import io.moesim.gui.viewmodel.TimeFormat;
import io.moesim.gui.viewmodel.TimelineData;
import io.moesim.gui.viewmodel.TimelineViewModel;
import java.util.List;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;

/**
 * The timeline: one row per GPU (a pipeline stage in a training step) and stream, spans coloured by
 * category, drawn on a {@link Canvas}. Only what is in the window is drawn, and runs of spans narrower
 * than a pixel are merged per pixel column ({@link TimelineData#layout}), so a redraw costs about the
 * same with 400k spans as with 4k. Mouse wheel zooms around the pointer (shift+wheel scrolls rows),
 * dragging pans, hovering shows the span, and a rank filter ({@code 0-3,7}) picks GPUs.
 */
public final class TimelineView extends BorderPane {
    static final double LABEL_WIDTH = 140;
    static final double AXIS_HEIGHT = 22;
    static final double GROUP_GAP = 5;
    static final double MIN_ROW = 5;
    static final double MAX_ROW = 18;

    private final TimelineViewModel vm;
    private final Canvas canvas = new Canvas();
    private final ScrollBar rowScroll = new ScrollBar();
    private final Label hover = new Label();
    private final Color[] colors;
    private final TimelineData.RowLayout layout = new TimelineData.RowLayout();
    private boolean redrawPending;
    private long lastRedrawNanos;
    private long lastRectangles;
    private double dragX = Double.NaN;
    private double[] rowTop = new double[0];
    private double[] rowHeight = new double[0];

    public TimelineView(TimelineViewModel vm) {
        this.vm = vm;
        List<TimelineViewModel.LegendEntry> legend = vm.legendEntries();
        colors = new Color[legend.size()];
        for (TimelineViewModel.LegendEntry e : legend) {
            colors[e.ordinal()] = Color.web(e.color());
        }
        setTop(toolbar(legend));

        javafx.scene.layout.Pane plot = new javafx.scene.layout.Pane() {
            @Override
            protected void layoutChildren() {
                canvas.setWidth(Math.floor(getWidth()));
                canvas.setHeight(Math.floor(getHeight()));
                canvas.relocate(0, 0);
            }
        };
        plot.setMinSize(0, 0);
        plot.setPrefSize(800, 300);
        plot.getChildren().addAll(canvas, hover);
        canvas.setId("timeline-canvas");
        hover.setId("timeline-hover");
        hover.setManaged(false);
        hover.setVisible(false);
        hover.setMouseTransparent(true);
        hover.setStyle("-fx-background-color: #fffff0ee; -fx-border-color: #888; -fx-padding: 4; -fx-font-size: 11px;");
        rowScroll.setOrientation(Orientation.VERTICAL);
        rowScroll.setMin(0);
        rowScroll.setUnitIncrement(1);
        setCenter(plot);
        setRight(rowScroll);

        canvas.widthProperty().addListener(o -> requestRedraw());
        canvas.heightProperty().addListener(o -> requestRedraw());
        rowScroll.valueProperty().addListener(o -> requestRedraw());
        vm.revisionProperty().addListener(o -> requestRedraw());
        hover.textProperty().bind(vm.hoverTextProperty());
        vm.hoverTextProperty().addListener((o, old, text) -> hover.setVisible(!text.isEmpty()));

        canvas.addEventHandler(ScrollEvent.SCROLL, this::onScroll);
        canvas.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> dragX = e.getX());
        canvas.addEventHandler(MouseEvent.MOUSE_RELEASED, e -> dragX = Double.NaN);
        canvas.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::onDrag);
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, this::onMove);
        canvas.addEventHandler(MouseEvent.MOUSE_EXITED, e -> vm.clearHover());
    }

    private VBox toolbar(List<TimelineViewModel.LegendEntry> legend) {
        Button zoomIn = new Button("+");
        zoomIn.setId("timeline-zoom-in");
        zoomIn.setTooltip(new Tooltip("zoom in (or mouse wheel)"));
        zoomIn.setOnAction(e -> vm.zoomIn());
        Button zoomOut = new Button("−");
        zoomOut.setId("timeline-zoom-out");
        zoomOut.setTooltip(new Tooltip("zoom out"));
        zoomOut.setOnAction(e -> vm.zoomOut());
        Button fit = new Button("Fit");
        fit.setId("timeline-fit");
        fit.setTooltip(new Tooltip("show the whole run"));
        fit.setOnAction(e -> vm.fit());
        TextField ranks = new TextField();
        ranks.setId("timeline-ranks");
        ranks.setPromptText("all GPUs (e.g. 0-3,7)");
        ranks.setPrefColumnCount(10);
        ranks.textProperty().bindBidirectional(vm.rankFilterProperty());
        Label rankError = new Label();
        rankError.setId("timeline-ranks-error");
        rankError.setStyle("-fx-text-fill: #b00020;");
        rankError.textProperty().bind(vm.rankFilterErrorProperty());
        CheckBox mainOnly = new CheckBox("main stream only");
        mainOnly.setId("timeline-main-only");
        mainOnly.selectedProperty().bindBidirectional(vm.mainStreamOnlyProperty());
        Label window = new Label();
        window.setId("timeline-window");
        vm.revisionProperty().addListener(o -> window.setText(windowText()));
        HBox controls = new HBox(6, new Label("Timeline"), zoomIn, zoomOut, fit, new Label("GPUs"), ranks, rankError,
                mainOnly, window);
        controls.setAlignment(Pos.CENTER_LEFT);
        FlowPane keys = new FlowPane(10, 2);
        for (TimelineViewModel.LegendEntry e : legend) {
            Rectangle swatch = new Rectangle(10, 10, colors[e.ordinal()]);
            Label l = new Label(e.label(), swatch);
            l.setStyle("-fx-font-size: 11px;");
            keys.getChildren().add(l);
        }
        VBox box = new VBox(3, controls, keys);
        box.setPadding(new Insets(4, 6, 4, 6));
        return box;
    }

    private String windowText() {
        double t0 = vm.viewStartNsProperty().get();
        double t1 = vm.viewEndNsProperty().get();
        return String.format(java.util.Locale.ROOT, "%s – %s (%.0fx)", TimeFormat.ns(t0), TimeFormat.ns(t1), vm.zoomLevel());
    }

    private double plotWidth() {
        return Math.max(1, canvas.getWidth() - LABEL_WIDTH);
    }

    private void onScroll(ScrollEvent e) {
        if (e.isShiftDown()) {
            double d = e.getDeltaY() != 0 ? e.getDeltaY() : e.getDeltaX();
            rowScroll.setValue(Math.max(rowScroll.getMin(), Math.min(rowScroll.getMax(), rowScroll.getValue() - Math.signum(d) * 3)));
        } else if (e.getDeltaY() != 0) {
            double anchor = (e.getX() - LABEL_WIDTH) / plotWidth();
            vm.zoom(e.getDeltaY() > 0 ? 1.25 : 0.8, anchor);
        }
        e.consume();
    }

    private void onDrag(MouseEvent e) {
        if (!Double.isNaN(dragX)) {
            vm.pan(-(e.getX() - dragX) / plotWidth());
            dragX = e.getX();
        }
    }

    private void onMove(MouseEvent e) {
        int pos = e.getX() < LABEL_WIDTH ? -1 : positionAt(e.getY());
        String text = vm.hover(pos, e.getX() - LABEL_WIDTH, plotWidth());
        if (!text.isEmpty()) {
            double x = e.getX() + 14;
            double y = e.getY() + 14;
            hover.autosize();
            if (x + hover.getWidth() > canvas.getWidth()) {
                x = Math.max(0, e.getX() - hover.getWidth() - 8);
            }
            if (y + hover.getHeight() > canvas.getHeight()) {
                y = Math.max(0, e.getY() - hover.getHeight() - 8);
            }
            hover.relocate(x, y);
        }
    }

    /** Redraws on the next pulse (many changes in one pulse draw once). */
    public void requestRedraw() {
        if (!redrawPending) {
            redrawPending = true;
            Platform.runLater(() -> {
                redrawPending = false;
                redraw();
            });
        }
    }

    /**
     * Lays the visible rows out from the scroll position: a GPU's main stream (stream 0: kernels and
     * blocking collectives) twice as tall as its other streams, a small gap between GPUs, the base
     * height chosen so that every row fits when it can (scrolling otherwise).
     */
    private void layoutRows() {
        TimelineData d = vm.dataProperty().get();
        int n = vm.visibleRowCount();
        if (rowTop.length != n) {
            rowTop = new double[n];
            rowHeight = new double[n];
        }
        if (d == null || n == 0) {
            return;
        }
        double units = 0;
        int groups = 0;
        int prevGpu = -1;
        for (int pos = 0; pos < n; pos++) {
            int row = vm.visibleRow(pos);
            units += d.rowStream(row) == 0 ? 2 : 1;
            if (d.rowGpu(row) != prevGpu) {
                groups++;
                prevGpu = d.rowGpu(row);
            }
        }
        double avail = canvas.getHeight() - AXIS_HEIGHT - groups * GROUP_GAP;
        double base = Math.max(MIN_ROW, Math.min(MAX_ROW / 2 + 2, avail / units));
        int first = (int) Math.min(rowScroll.getValue(), n - 1);
        double top = AXIS_HEIGHT;
        prevGpu = -1;
        for (int pos = 0; pos < n; pos++) {
            int row = vm.visibleRow(pos);
            double h = d.rowStream(row) == 0 ? Math.min(MAX_ROW + 4, 2 * base) : base;
            if (pos < first) {
                rowTop[pos] = Double.NaN;
                rowHeight[pos] = h;
                continue;
            }
            if (d.rowGpu(row) != prevGpu && prevGpu != -1) {
                top += GROUP_GAP;
            }
            prevGpu = d.rowGpu(row);
            rowTop[pos] = top;
            rowHeight[pos] = h;
            top += h;
        }
        // rows that do not fit: let the scroll bar reach the last one
        double needed = top - AXIS_HEIGHT;
        double space = canvas.getHeight() - AXIS_HEIGHT;
        boolean scroll = first > 0 || needed > space + 0.5;
        rowScroll.setVisible(scroll);
        rowScroll.setMax(Math.max(0, n - 1));
        rowScroll.setVisibleAmount(Math.max(1, n * Math.min(1, space / Math.max(1, needed))));
    }

    /** Position among the visible rows under canvas y, or -1. */
    private int positionAt(double y) {
        for (int pos = 0; pos < rowTop.length; pos++) {
            if (!Double.isNaN(rowTop[pos]) && y >= rowTop[pos] && y < rowTop[pos] + rowHeight[pos]) {
                return pos;
            }
        }
        return -1;
    }

    /** Draws the window now. */
    public void redraw() {
        long t = System.nanoTime();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        TimelineData d = vm.dataProperty().get();
        if (d == null || w <= LABEL_WIDTH) {
            g.setFill(Color.GRAY);
            g.fillText("no simulation yet", 10, 30);
            lastRedrawNanos = System.nanoTime() - t;
            return;
        }
        double t0 = vm.viewStartNsProperty().get();
        double t1 = vm.viewEndNsProperty().get();
        int plotW = (int) plotWidth();
        int n = vm.visibleRowCount();
        layoutRows();
        long rects = 0;
        int prevGpu = -1;
        for (int pos = 0; pos < n; pos++) {
            double top = rowTop[pos];
            if (Double.isNaN(top)) {
                continue;
            }
            if (top >= h) {
                break;
            }
            double rh = rowHeight[pos];
            int row = vm.visibleRow(pos);
            int gpu = d.rowGpu(row);
            if (gpu != prevGpu && prevGpu != -1) {
                g.setStroke(Color.gray(0.8));
                g.strokeLine(0, top - GROUP_GAP / 2, w, top - GROUP_GAP / 2);
            }
            prevGpu = gpu;
            g.setFill(d.rowStream(row) == 0 ? Color.gray(0.955) : Color.gray(0.98));
            g.fillRect(LABEL_WIDTH, top, plotW, rh);
            int count = d.layout(row, t0, t1, plotW, layout);
            rects += count;
            int lastCat = -1;
            for (int i = 0; i < count; i++) {
                double x0 = Math.max(0, layout.x0(i));
                double x1 = Math.min(plotW, layout.x1(i));
                if (x1 <= x0) {
                    continue;
                }
                int c = layout.category(i);
                if (c != lastCat) {
                    g.setFill(colors[c]);
                    lastCat = c;
                }
                g.fillRect(LABEL_WIDTH + x0, top, Math.max(1, x1 - x0), rh - 1);
            }
            if (rh >= 8) {
                boolean main = d.rowStream(row) == 0;
                g.setFont(main ? Font.font("System", javafx.scene.text.FontWeight.BOLD, Math.min(11, rh - 3))
                        : Font.font(Math.min(10, rh - 1)));
                g.setFill(main ? Color.gray(0.1) : Color.gray(0.35));
                g.fillText(d.rowLabel(row), main ? 4 : 14, top + rh - (main ? 4 : 1), LABEL_WIDTH - (main ? 8 : 18));
            }
        }
        // time axis
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, AXIS_HEIGHT);
        g.setFont(Font.font(10));
        g.setStroke(Color.gray(0.6));
        g.setFill(Color.gray(0.2));
        for (double tick : TimeFormat.ticks(t0, t1, Math.max(2, plotW / 110))) {
            double x = LABEL_WIDTH + (tick - t0) / (t1 - t0) * plotW;
            g.strokeLine(x, AXIS_HEIGHT - 5, x, AXIS_HEIGHT);
            g.fillText(TimeFormat.ns(tick), x + 2, AXIS_HEIGHT - 8);
        }
        g.strokeLine(LABEL_WIDTH, AXIS_HEIGHT, w, AXIS_HEIGHT);
        g.fillText(n + " rows · " + d.spanCount() + " spans", 4, AXIS_HEIGHT - 8);
        lastRectangles = rects;
        lastRedrawNanos = System.nanoTime() - t;
    }

    /** Time the last {@link #redraw()} took to issue its drawing, ns (the benchmark test reads it). */
    public long lastRedrawNanos() {
        return lastRedrawNanos;
    }

    /** Rectangles the last redraw drew (after level of detail). */
    public long lastRectangles() {
        return lastRectangles;
    }

    /** The canvas (tests snapshot it). */
    Canvas canvas() {
        return canvas;
    }
}
