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
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

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
}
