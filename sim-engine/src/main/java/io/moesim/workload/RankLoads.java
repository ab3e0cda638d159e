package io.moesim.workload;

/**
 * Accumulates each expert-parallel rank's share of the routed tokens over the MoE layers of a training step:
 * per layer, a rank's tokens over the group's mean; over layers, the mean and the largest of those ratios. The
 * busiest rank of a layer sets that layer's expert time, so the per-rank view shows which GPUs straggle and
 * whether the same ones do in every layer.
 *
 * @implNote not thread-safe; one per training-step build.
 */
final class RankLoads {
    private double[] sum = new double[0];
    private double[] max = new double[0];
    private int layers;

    /**
     * Adds one MoE layer.
     *
     * @param rankTokens routed tokens computed on each expert-parallel rank
     * @param meanTokens the group's mean tokens per rank (1 is used when it is 0)
     */
    void add(double[] rankTokens, double meanTokens) {
        if (layers == 0) {
            sum = new double[rankTokens.length];
            max = new double[rankTokens.length];
        } else if (rankTokens.length != sum.length) {
            throw new IllegalArgumentException("expert-parallel group size changed from " + sum.length + " to "
                    + rankTokens.length);
        }
        for (int r = 0; r < rankTokens.length; r++) {
            double ratio = meanTokens == 0 ? 1 : rankTokens[r] / meanTokens;
            sum[r] += ratio;
            max[r] = layers == 0 ? ratio : Math.max(max[r], ratio);
        }
        layers++;
    }

    /** Mean ratio per rank over the layers added (empty when none were). */
    double[] mean() {
        double[] m = new double[sum.length];
        for (int r = 0; r < m.length; r++) {
            m[r] = sum[r] / layers;
        }
        return m;
    }

    /** Largest ratio per rank over the layers added (empty when none were). */
    double[] max() {
        return max.clone();
    }
}
