package io.moesim.scenario;

import java.util.Arrays;

/**
 * Measured routing: tokens per expert for each MoE layer of a trace (any scale: only the shares
 * matter). Layer {@code l} of a model uses row {@code l mod layers()}, so a one-row trace applies the
 * same popularity to every layer.
 *
 * @implNote immutable: the constructor and {@link #shares(int)} copy.
 */
public final class RoutingTrace {
    private final double[][] tokens;

    /** @param tokens {@code [layer][expert]} token counts; rectangular, non-negative, every row with a positive sum */
    public RoutingTrace(double[][] tokens) {
        if (tokens.length == 0 || tokens[0].length == 0) {
            throw new IllegalArgumentException("a routing trace needs at least one layer and one expert");
        }
        this.tokens = new double[tokens.length][];
        for (int l = 0; l < tokens.length; l++) {
            if (tokens[l].length != tokens[0].length) {
                throw new IllegalArgumentException("routing trace layer " + l + " has " + tokens[l].length
                        + " experts, layer 0 has " + tokens[0].length);
            }
            double sum = 0;
            for (double t : tokens[l]) {
                if (!(t >= 0)) {
                    throw new IllegalArgumentException("routing trace token counts must not be negative");
                }
                sum += t;
            }
            if (!(sum > 0)) {
                throw new IllegalArgumentException("routing trace layer " + l + " routes no tokens");
            }
            this.tokens[l] = tokens[l].clone();
        }
    }

    /** Layers in the trace. */
    public int layers() {
        return tokens.length;
    }

    /** Experts in the trace. */
    public int experts() {
        return tokens[0].length;
    }

    /** Each expert's share of the tokens of model layer {@code layer} (sums to 1). */
    public double[] shares(int layer) {
        double[] row = tokens[Math.floorMod(layer, tokens.length)];
        double sum = Arrays.stream(row).sum();
        double[] out = new double[row.length];
        for (int e = 0; e < row.length; e++) {
            out[e] = row[e] / sum;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingTrace t && Arrays.deepEquals(t.tokens, tokens);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(tokens);
    }

    @Override
    public String toString() {
        return "RoutingTrace[" + layers() + " layers x " + experts() + " experts]";
    }
}
