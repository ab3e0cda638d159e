package io.moesim.gui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.junit.jupiter.api.Test;

/**
 * The load-per-EP-rank chart drawn at the size it gets in a 1280×800 window (about 300×260 px): with 256
 * ranks its rank axis keeps a handful of labels instead of one per bar, with 4 ranks it labels every rank,
 * and its value axis always shows both the largest value and the balanced line at 1.0.
 */
class EpLoadChartTest {
    private static void draw(JFreeChart chart, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void twoHundredFiftySixRanksGetAFewRankLabelsNotOnePerBar() {
        JFreeChart chart = Charts.epLoad();
        Charts.setEpLoads(chart, filled(256, 1.0), filled(256, 2.0));
        draw(chart, 300, 260);
        NumberAxis ranks = (NumberAxis) chart.getXYPlot().getDomainAxis();
        double unit = ranks.getTickUnit().getSize();
        assertThat(unit).isGreaterThanOrEqualTo(20);            // at most 13 labels over 0..255
        assertThat(unit).isEqualTo(Math.rint(unit));            // whole ranks
        assertThat(ranks.getLowerBound()).isEqualTo(-0.5);
        assertThat(ranks.getUpperBound()).isEqualTo(255.5);
        assertThat(((XYBarRenderer) chart.getXYPlot().getRenderer(0)).getMargin()).isZero();

        Charts.setEpLoads(chart, new double[] {1.1, 1.0, 0.8, 1.1}, new double[] {2.0, 2.2, 2.0, 2.2});
        draw(chart, 300, 260);
        assertThat(ranks.getTickUnit().getSize()).isEqualTo(1.0);   // every rank labelled
        assertThat(ranks.getUpperBound()).isEqualTo(3.5);
        assertThat(((XYBarRenderer) chart.getXYPlot().getRenderer(0)).getMargin()).isPositive();
    }

    @Test
    void theValueAxisShowsTheLargestValueAndTheBalancedLine() {
        JFreeChart chart = Charts.epLoad();
        Charts.setEpLoads(chart, new double[] {0.9, 1.3}, new double[] {1.2, 5.3});
        assertThat(chart.getXYPlot().getRangeAxis().getUpperBound()).isGreaterThan(5.3);
        Charts.setEpLoads(chart, new double[] {0.5}, new double[] {0.6});
        assertThat(chart.getXYPlot().getRangeAxis().getUpperBound()).isGreaterThan(1.0);
        assertThat(chart.getXYPlot().getRangeAxis().getLowerBound()).isZero();
        assertThat(chart.getXYPlot().getRangeMarkers(org.jfree.chart.ui.Layer.FOREGROUND))
                .singleElement().satisfies(m -> assertThat(((org.jfree.chart.plot.ValueMarker) m).getValue()).isEqualTo(1.0));
        assertThatThrownBy(() -> Charts.setEpLoads(chart, new double[2], new double[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
