package io.moesim.gui.viewmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats simulated times and picks "nice" tick positions (1, 2, 5 × 10^k ns) for a time axis.
 *
 * @implNote stateless and thread-safe.
 */
public final class TimeFormat {
    private TimeFormat() {
    }

    /** A duration or instant in the largest unit that keeps it at least 1: {@code 850 ns}, {@code 12.4 us}, {@code 3.20 s}. */
    public static String ns(double ns) {
        double a = Math.abs(ns);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.2f us", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ns", ns);
    }

    /** Tick step for a window of {@code spanNs} with at most {@code maxTicks} ticks: 1, 2 or 5 × 10^k ns. */
    public static double tickStep(double spanNs, int maxTicks) {
        double raw = spanNs / Math.max(1, maxTicks);
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** Tick positions in {@code [t0Ns, t1Ns]}. */
    public static List<Double> ticks(double t0Ns, double t1Ns, int maxTicks) {
        List<Double> out = new ArrayList<>();
        if (!(t1Ns > t0Ns)) {
            return out;
        }
        double step = tickStep(t1Ns - t0Ns, maxTicks);
        for (double t = Math.ceil(t0Ns / step) * step; t <= t1Ns; t += step) {
            out.add(t);
        }
        return out;
    }
}
