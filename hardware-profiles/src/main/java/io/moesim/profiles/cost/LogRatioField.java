package io.moesim.profiles.cost;

import java.util.List;

/**
 * Measured/model time ratios at points of a shape space, interpolated in log space: a query inside the
 * points' bounding box (per coordinate, in log space) gets the inverse-distance-weighted (power 4) geometric
 * mean of the points' ratios; a query equal to a point's coordinates gets that point's ratio; a query outside
 * the box gets none ({@code NaN}: the model alone answers). Shared by the measured GEMM and attention models,
 * which keep the analytical model's shape effects (tiles, waves, causal blocks) and pull its level to the
 * measurements.
 *
 * @implNote immutable; thread-safe.
 */
final class LogRatioField {
    private static final double IDW_POWER = 4;

    private final double[][] logCoords;
    private final long[][] exact;
    private final double[] logRatio;
    private final double[] min;
    private final double[] max;

    /**
     * @param coords  each point's coordinates (all of one length, each positive)
     * @param ratios  each point's measured time over the model's time
     */
    LogRatioField(List<long[]> coords, List<Double> ratios) {
        if (coords.isEmpty() || coords.size() != ratios.size()) {
            throw new IllegalArgumentException("need one ratio per point and at least one point");
        }
        int dims = coords.get(0).length;
        int size = coords.size();
        logCoords = new double[size][dims];
        exact = new long[size][];
        logRatio = new double[size];
        min = new double[dims];
        max = new double[dims];
        java.util.Arrays.fill(min, Double.MAX_VALUE);
        java.util.Arrays.fill(max, -Double.MAX_VALUE);
        for (int i = 0; i < size; i++) {
            long[] c = coords.get(i);
            if (c.length != dims) {
                throw new IllegalArgumentException("every point needs " + dims + " coordinates");
            }
            exact[i] = c.clone();
            logRatio[i] = Math.log(ratios.get(i));
            for (int d = 0; d < dims; d++) {
                logCoords[i][d] = Math.log(c[d]);
                min[d] = Math.min(min[d], logCoords[i][d]);
                max[d] = Math.max(max[d], logCoords[i][d]);
            }
        }
    }

    /** The interpolated measured/model ratio at {@code coords}, or {@code NaN} outside the measured range. */
    double ratio(long... coords) {
        double[] q = new double[coords.length];
        for (int d = 0; d < q.length; d++) {
            q[d] = Math.log(coords[d]);
            if (q[d] < min[d] - 1e-9 || q[d] > max[d] + 1e-9) {
                return Double.NaN;
            }
        }
        double weightSum = 0;
        double weighted = 0;
        for (int i = 0; i < logRatio.length; i++) {
            if (java.util.Arrays.equals(exact[i], coords)) {
                return Math.exp(logRatio[i]);
            }
            double d2 = 0;
            for (int d = 0; d < q.length; d++) {
                double diff = q[d] - logCoords[i][d];
                d2 += diff * diff;
            }
            double w = 1.0 / Math.pow(d2, IDW_POWER / 2);
            weightSum += w;
            weighted += w * logRatio[i];
        }
        return Math.exp(weighted / weightSum);
    }
}
