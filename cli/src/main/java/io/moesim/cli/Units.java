package io.moesim.cli;

import java.util.Locale;

/** Human-readable numbers for terminal output; always {@link Locale#ROOT} so output does not depend on the user's locale. */
final class Units {
    private Units() {
    }

    /** Parameter count in billions: {@code 235.09 B}. */
    static String billions(long count) {
        return String.format(Locale.ROOT, "%.2f B", count / 1e9);
    }

    /** FLOPs in GFLOP: {@code 148.03 GFLOP}. */
    static String gflop(double flops) {
        return String.format(Locale.ROOT, "%.2f GFLOP", flops / 1e9);
    }

    /** A fraction as a percentage: {@code 40.0%}. */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
