package io.moesim.gui.viewmodel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One line of the comparison of two simulations: a metric for A and B, B − A absolutely and in per cent,
 * and whether B is better, worse or the same as A for that metric.
 *
 * <pre>{@code
 * List<CompareRow> rows = CompareRow.of(a, b);    // step time, tokens/s/GPU, …, the breakdown by part
 * rows.get(0).verdict();                          // BETTER when B's step is shorter
 * }</pre>
 *
 * @param metric        what is compared ({@code step time}, {@code exposed comm.: ep-comm}, …)
 * @param unit          its unit ({@code s}, {@code GiB}, {@code %}; empty for yes/no)
 * @param a             A's value (NaN when A has none)
 * @param b             B's value (NaN when B has none)
 * @param lowerIsBetter whether a smaller value is better
 * @param verdict       B against A
 * @implNote immutable and thread-safe.
 */
public record CompareRow(String metric, String unit, double a, double b, boolean lowerIsBetter, Verdict verdict) {
    /** B against A. */
    public enum Verdict {
        /** B is better */
        BETTER,
        /** B is worse */
        WORSE,
        /** equal within 0.05 % */
        SAME,
        /** not comparable (a value is missing) */
        NONE
    }

    /** Relative differences below this (per cent) count as the same. */
    public static final double SAME_PERCENT = 0.05;

    static CompareRow of(String metric, String unit, double a, double b, boolean lowerIsBetter) {
        Verdict v;
        if (Double.isNaN(a) || Double.isNaN(b)) {
            v = Verdict.NONE;
        } else if (a == b || (a != 0 && Math.abs((b - a) / a) * 100 < SAME_PERCENT)) {
            v = Verdict.SAME;
        } else {
            v = (b < a) == lowerIsBetter ? Verdict.BETTER : Verdict.WORSE;
        }
        return new CompareRow(metric, unit, a, b, lowerIsBetter, v);
    }

    /** B − A. */
    public double difference() {
        return b - a;
    }

    /** (B − A) / |A| in per cent; NaN when A is 0 or missing. */
    public double percent() {
        return a == 0 || Double.isNaN(a) ? Double.NaN : (b - a) / Math.abs(a) * 100;
    }

    /** A's value as shown. */
    public String aText() {
        return format(a);
    }

    /** B's value as shown. */
    public String bText() {
        return format(b);
    }

    /** B − A as shown, with its sign. */
    public String differenceText() {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return "";
        }
        if (unit.isEmpty()) {
            return a == b ? "same" : b > a ? "B fits, A does not" : "A fits, B does not";
        }
        return (difference() >= 0 ? "+" : "") + format(difference());
    }

    /** (B − A) / |A| as shown ({@code -12.3%}), or empty. */
    public String percentText() {
        double p = percent();
        return Double.isNaN(p) || unit.isEmpty() ? "" : String.format(Locale.ROOT, "%+.1f%%", p);
    }

    private String format(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (unit.isEmpty()) {
            return v > 0 ? "yes" : "no";
        }
        double abs = Math.abs(v);
        String f = abs >= 1000 ? "%.0f" : abs >= 100 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }

    /**
     * The comparison of two finished simulations. Two training steps: step time, tokens/s/GPU, model
     * TFLOPS/GPU, MFU, peak memory, whether it fits, then the breakdown of the busiest stage (compute,
     * exposed communication in total and by kind, host-bound, bubble) and the dropped tokens. Otherwise
     * (or for two workloads of different kinds) the parts of their breakdowns.
     */
    public static List<CompareRow> of(SimulationOutcome a, SimulationOutcome b) {
        List<CompareRow> rows = new ArrayList<>();
        if (a.training() != null && b.training() != null) {
            var ra = a.training();
            var rb = b.training();
            rows.add(of("step time", "s", ra.stepTimeSeconds(), rb.stepTimeSeconds(), true));
            rows.add(of("tokens/s/GPU", "tokens/s", ra.tokensPerSecondPerGpu(), rb.tokensPerSecondPerGpu(), false));
            rows.add(of("model TFLOPS/GPU", "TFLOPS", ra.modelTflopsPerGpu(), rb.modelTflopsPerGpu(), false));
            rows.add(of("MFU", "%", ra.mfu() * 100, rb.mfu() * 100, false));
            rows.add(of("peak memory/GPU", "GiB", ra.memory().peakGiB(), rb.memory().peakGiB(), true));
            rows.add(of("fits in HBM", "", ra.memory().fits() ? 1 : 0, rb.memory().fits() ? 1 : 0, false));
            rows.add(of("compute", "s", ra.computeSeconds(), rb.computeSeconds(), true));
            rows.add(of("exposed comm.", "s", ra.exposedCommSeconds(), rb.exposedCommSeconds(), true));
            Set<String> kinds = new LinkedHashSet<>(ra.exposedCommByKind().keySet());
            kinds.addAll(rb.exposedCommByKind().keySet());
            for (String k : kinds) {
                rows.add(of("  exposed " + k, "s", ra.exposedCommByKind().getOrDefault(k, 0.0),
                        rb.exposedCommByKind().getOrDefault(k, 0.0), true));
            }
            rows.add(of("host-bound", "s", ra.hostBoundSeconds(), rb.hostBoundSeconds(), true));
            rows.add(of("pipeline bubble", "s", ra.pipelineBubbleSeconds(), rb.pipelineBubbleSeconds(), true));
            rows.add(of("dropped tokens", "%", ra.droppedTokenFraction() * 100, rb.droppedTokenFraction() * 100, true));
            return rows;
        }
        List<SimulationOutcome.Item> ia = a.breakdown();
        List<SimulationOutcome.Item> ib = b.breakdown();
        boolean sameKind = a.breakdownUnit().equals(b.breakdownUnit());
        Set<String> labels = new LinkedHashSet<>();
        ia.forEach(i -> labels.add(i.label()));
        ib.forEach(i -> labels.add(i.label()));
        for (String l : labels) {
            double va = ia.stream().filter(i -> i.label().equals(l)).mapToDouble(SimulationOutcome.Item::value)
                    .findFirst().orElse(Double.NaN);
            double vb = ib.stream().filter(i -> i.label().equals(l)).mapToDouble(SimulationOutcome.Item::value)
                    .findFirst().orElse(Double.NaN);
            rows.add(of(l, sameKind ? a.breakdownUnit() : "?", va, sameKind ? vb : Double.NaN, true));
        }
        return rows;
    }
}
