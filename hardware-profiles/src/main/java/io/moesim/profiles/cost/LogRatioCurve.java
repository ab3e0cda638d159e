package io.moesim.profiles.cost;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Model-guided interpolation along one size axis. Built from measured points (size, measured time,
 * model time); {@link #factor(double)} gives the measured/model ratio at any size inside the measured
 * range, interpolated linearly in {@code log size} between neighbouring points (geometric in the
 * ratio), and NaN outside it, where the model answers alone. At a measured size it returns that
 * point's ratio exactly; several measurements of one size are averaged geometrically.
 *
 * @implNote immutable; thread-safe.
 */
final class LogRatioCurve {
    private final double[] logSize;
    private final double[] logRatio;

    /** One measured point. */
    record Point(double size, double measuredNs, double modelNs) {
    }

    LogRatioCurve(List<Point> points) {
        Point[] sorted = points.toArray(new Point[0]);
        Arrays.sort(sorted, Comparator.comparingDouble(Point::size));
        double[] ls = new double[sorted.length];
        double[] lr = new double[sorted.length];
        int count = 0;
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            double sum = 0;
            while (j < sorted.length && sorted[j].size() == sorted[i].size()) {
                sum += Math.log(sorted[j].measuredNs() / sorted[j].modelNs());
                j++;
            }
            ls[count] = Math.log(sorted[i].size());
            lr[count] = sum / (j - i);
            count++;
            i = j;
        }
        this.logSize = Arrays.copyOf(ls, count);
        this.logRatio = Arrays.copyOf(lr, count);
    }

    /** The measured/model ratio at {@code size}, or NaN outside the measured range. */
    double factor(double size) {
        if (logSize.length == 0 || size <= 0) {
            return Double.NaN;
        }
        double x = Math.log(size);
        if (x < logSize[0] - 1e-12 || x > logSize[logSize.length - 1] + 1e-12) {
            return Double.NaN;
        }
        int i = Arrays.binarySearch(logSize, x);
        if (i >= 0) {
            return Math.exp(logRatio[i]);
        }
        int hi = -i - 1;
        if (hi == 0) {
            return Math.exp(logRatio[0]);
        }
        if (hi == logSize.length) {
            return Math.exp(logRatio[logSize.length - 1]);
        }
        int lo = hi - 1;
        double t = (x - logSize[lo]) / (logSize[hi] - logSize[lo]);
        return Math.exp(logRatio[lo] + t * (logRatio[hi] - logRatio[lo]));
    }
}
