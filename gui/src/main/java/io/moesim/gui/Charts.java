package io.moesim.gui;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.labels.StandardXYToolTipGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** JFreeChart charts of the workbench, built once and fed new datasets. */
final class Charts {
    static final Color[] PALETTE = {new Color(0x4e79a7), new Color(0xe15759), new Color(0xbab0ac), new Color(0xf28e2b),
        new Color(0x59a14f), new Color(0xb07aa1), new Color(0x76b7b2), new Color(0xedc948), new Color(0x9c755f)};
    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 13);
    private static final Font SMALL = new Font("SansSerif", Font.PLAIN, 11);

    private Charts() {
    }

    private static void style(JFreeChart chart) {
        chart.getTitle().setFont(TITLE);
        chart.setBackgroundPaint(Color.WHITE);
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(SMALL);
        }
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(new Color(0xfafafa));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.getDomainAxis().setTickLabelFont(SMALL);
        plot.getRangeAxis().setTickLabelFont(SMALL);
        plot.getRangeAxis().setLabelFont(SMALL);
    }

    /** One bar per part of the step time, each labelled with its value. */
    static JFreeChart breakdown(DefaultCategoryDataset data) {
        JFreeChart chart = ChartFactory.createBarChart("Step time", null, "seconds", data, PlotOrientation.VERTICAL,
                false, true, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = new BarRenderer() {
            private static final long serialVersionUID = 1L;

            @Override
            public java.awt.Paint getItemPaint(int row, int column) {
                return PALETTE[column % PALETTE.length];
            }
        };
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00")));
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(SMALL);
        r.setMaximumBarWidth(0.18);
        plot.setRenderer(r);
        plot.getDomainAxis().setMaximumCategoryLabelLines(2);
        ((NumberAxis) plot.getRangeAxis()).setUpperMargin(0.15);
        return chart;
    }

    /** The memory parts stacked in one horizontal bar, with the HBM capacity as a marker. */
    static JFreeChart memory(DefaultCategoryDataset data, ValueMarker hbm) {
        JFreeChart chart = ChartFactory.createStackedBarChart("Memory per GPU", null, "GiB", data,
                PlotOrientation.HORIZONTAL, true, true, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        StackedBarRenderer r = (StackedBarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setMaximumBarWidth(0.35);
        for (int i = 0; i < PALETTE.length; i++) {
            r.setSeriesPaint(i, PALETTE[i]);
        }
        hbm.setPaint(new Color(0xb00020));
        hbm.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        hbm.setLabelFont(SMALL);
        hbm.setLabelPaint(new Color(0xb00020));
        hbm.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        hbm.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        plot.addRangeMarker(hbm);
        return chart;
    }

    /** Step time as bars (left axis) and model TFLOPS per GPU as a line (right axis), per swept value. */
    static JFreeChart sweep(DefaultCategoryDataset stepTime, DefaultCategoryDataset tflops) {
        JFreeChart chart = ChartFactory.createBarChart("What-if sweep", null, "step time, s", stepTime,
                PlotOrientation.VERTICAL, true, true, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, PALETTE[0]);
        bars.setMaximumBarWidth(0.12);
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00")));
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultItemLabelFont(SMALL);
        NumberAxis right = new NumberAxis("model TFLOPS/GPU");
        right.setLabelFont(SMALL);
        right.setTickLabelFont(SMALL);
        plot.setRangeAxis(1, right);
        plot.setDataset(1, tflops);
        plot.mapDatasetToRangeAxis(1, 1);
        LineAndShapeRenderer line = new LineAndShapeRenderer(true, true);
        line.setSeriesPaint(0, PALETTE[1]);
        line.setSeriesStroke(0, new BasicStroke(2f));
        plot.setRenderer(1, line);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        CategoryAxis domain = plot.getDomainAxis();
        domain.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        return chart;
    }

    /** Ranks up to which the load chart leaves gaps between the bars of neighbouring ranks. */
    static final int EP_LOAD_DETAILED_RANKS = 64;
    private static final Color WORST_LAYER = new Color(0xf3a6a7);

    /**
     * The load of each expert-parallel rank: a bar per rank for its routed tokens over the group mean
     * averaged over the MoE layers (dataset 0, dark, in front) inside a wider, lighter bar for its largest
     * ratio in one layer (dataset 1, behind), and a dashed marker at 1.0 (balanced). The rank axis is
     * numeric, so its tick labels thin out by themselves when there are many ranks; fill it with
     * {@link #setEpLoads}.
     */
    static JFreeChart epLoad() {
        XYSeriesCollection mean = new XYSeriesCollection(new XYSeries("mean over MoE layers"));
        mean.setIntervalWidth(1.0);
        XYSeriesCollection max = new XYSeriesCollection(new XYSeries("worst layer"));
        max.setIntervalWidth(1.0);
        NumberAxis ranks = new NumberAxis("EP rank");
        ranks.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ranks.setLabelFont(SMALL);
        ranks.setTickLabelFont(SMALL);
        ranks.setAutoRange(false);
        ranks.setRange(-0.5, 0.5);
        NumberAxis ratio = new NumberAxis("tokens / mean");
        ratio.setLabelFont(SMALL);
        ratio.setTickLabelFont(SMALL);
        ratio.setAutoRange(false);
        ratio.setRange(0, 1.25);
        DecimalFormat rank = new DecimalFormat("0");
        DecimalFormat value = new DecimalFormat("0.000");
        XYBarRenderer means = loadBars(PALETTE[0]);
        means.setDefaultToolTipGenerator(new StandardXYToolTipGenerator("EP rank {1}: {2}\u00d7 the mean, averaged over layers",
                rank, value));
        XYBarRenderer worst = loadBars(WORST_LAYER);
        worst.setDefaultToolTipGenerator(new StandardXYToolTipGenerator("EP rank {1}: {2}\u00d7 the mean in its worst layer",
                rank, value));
        XYPlot plot = new XYPlot(mean, ranks, ratio, means);
        plot.setDataset(1, max);
        plot.setRenderer(1, worst);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.REVERSE); // the worst layer behind the mean
        plot.setBackgroundPaint(new Color(0xfafafa));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setDomainGridlinesVisible(false);
        ValueMarker balanced = new ValueMarker(1.0);
        balanced.setPaint(new Color(0x333333));
        balanced.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {5f, 4f}, 0f));
        balanced.setLabel("balanced ");
        balanced.setLabelFont(SMALL);
        balanced.setLabelPaint(new Color(0x333333));
        balanced.setLabelBackgroundColor(new Color(255, 255, 255, 170));
        balanced.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        balanced.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(balanced, Layer.FOREGROUND);
        JFreeChart chart = new JFreeChart("Load per EP rank", TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setItemFont(SMALL);
        chart.addSubtitle(new TextTitle("", SMALL));
        return chart;
    }

    private static XYBarRenderer loadBars(Color color) {
        XYBarRenderer r = new XYBarRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setSeriesPaint(0, color);
        return r;
    }

    /**
     * Puts the loads into an {@link #epLoad()} chart: {@code mean[i]} and {@code max[i]} for EP rank i (two
     * empty arrays clear it). Up to {@value #EP_LOAD_DETAILED_RANKS} ranks the mean bar is narrower than
     * the worst-layer bar around it and neighbours have gaps; beyond, every bar takes its rank's full
     * width. The value axis runs from 0 to above the largest value and 1.0. Redraws once.
     */
    static void setEpLoads(JFreeChart chart, double[] mean, double[] max) {
        if (mean.length != max.length) {
            throw new IllegalArgumentException("mean and max differ in length: " + mean.length + " and " + max.length);
        }
        XYPlot plot = chart.getXYPlot();
        XYSeries means = ((XYSeriesCollection) plot.getDataset(0)).getSeries(0);
        XYSeries maxes = ((XYSeriesCollection) plot.getDataset(1)).getSeries(0);
        chart.setNotify(false);
        means.clear();
        maxes.clear();
        double top = 1.0;
        for (int i = 0; i < mean.length; i++) {
            means.add(i, mean[i], false);
            maxes.add(i, max[i], false);
            top = Math.max(top, Math.max(mean[i], max[i]));
        }
        means.fireSeriesChanged();
        maxes.fireSeriesChanged();
        boolean detailed = mean.length <= EP_LOAD_DETAILED_RANKS;
        ((XYBarRenderer) plot.getRenderer(0)).setMargin(detailed ? 0.45 : 0.0);
        ((XYBarRenderer) plot.getRenderer(1)).setMargin(detailed ? 0.15 : 0.0);
        plot.getDomainAxis().setRange(-0.5, Math.max(mean.length, 1) - 0.5);
        plot.getRangeAxis().setRange(0, top * 1.15);
        chart.setNotify(true);
    }

    /** Sets the text of the chart's first text subtitle (the one {@link #epLoad()} adds). */
    static void setSubtitle(JFreeChart chart, String text) {
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof TextTitle t) {
                t.setText(text);
                return;
            }
        }
        throw new IllegalArgumentException("the chart has no text subtitle");
    }

    /** Best tokens/s/GPU found so far against the layouts evaluated: the search's convergence. */
    static JFreeChart convergence(org.jfree.data.xy.XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart("Search convergence", "layouts evaluated",
                "best tokens/s/GPU", data, PlotOrientation.VERTICAL, false, true, false);
        chart.getTitle().setFont(TITLE);
        chart.setBackgroundPaint(Color.WHITE);
        org.jfree.chart.plot.XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(new Color(0xfafafa));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.getDomainAxis().setTickLabelFont(SMALL);
        plot.getDomainAxis().setLabelFont(SMALL);
        plot.getRangeAxis().setTickLabelFont(SMALL);
        plot.getRangeAxis().setLabelFont(SMALL);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        org.jfree.chart.renderer.xy.XYStepRenderer r = new org.jfree.chart.renderer.xy.XYStepRenderer();
        r.setSeriesPaint(0, PALETTE[0]);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setDefaultShapesVisible(false);
        plot.setRenderer(r);
        return chart;
    }

    /**
     * The Pareto front as a scatter: series 0 the front's layouts (dots joined by a thin staircase-free line in
     * front order), series 1 the selected layout (a larger ring).
     */
    static JFreeChart paretoFront(XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createScatterPlot("Pareto front", "", "", data, PlotOrientation.VERTICAL, false,
                true, false);
        chart.getTitle().setFont(TITLE);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(new Color(0xfafafa));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.getDomainAxis().setTickLabelFont(SMALL);
        plot.getDomainAxis().setLabelFont(SMALL);
        plot.getRangeAxis().setTickLabelFont(SMALL);
        plot.getRangeAxis().setLabelFont(SMALL);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        org.jfree.chart.renderer.xy.XYLineAndShapeRenderer r = new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(
                true, true);
        r.setSeriesPaint(0, PALETTE[0]);
        r.setSeriesStroke(0, new BasicStroke(1f));
        r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-4, -4, 8, 8));
        r.setSeriesPaint(1, PALETTE[1]);
        r.setSeriesLinesVisible(1, false);
        r.setSeriesShape(1, new java.awt.geom.Ellipse2D.Double(-7, -7, 14, 14));
        r.setSeriesShapesFilled(1, false);
        r.setSeriesStroke(1, new BasicStroke(2.5f));
        r.setUseOutlinePaint(false);
        r.setDefaultToolTipGenerator(new StandardXYToolTipGenerator());
        plot.setRenderer(r);
        return chart;
    }
}
