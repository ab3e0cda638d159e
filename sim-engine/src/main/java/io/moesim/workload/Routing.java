package io.moesim.workload;

import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.RoutingSpec;
import java.util.SplittableRandom;

/**
 * Draws which experts each token goes to, reproducibly from the routing's seed.
 *
 * <ul>
 *   <li>{@code balanced}: token {@code i} of rank {@code r} takes experts
 *       {@code (r·T + i)·K + j mod E}, j = 0…K−1, with a per-rank stride so consecutive tokens
 *       land on different GPUs; every expert gets the same count when {@code R·T·K} is a multiple of
 *       {@code E} (the forced balance of the published benchmarks). The node limit is not applied.</li>
 *   <li>{@code uniform}: like DeepEP's benchmark, each token first picks {@code maxNodes} distinct nodes
 *       uniformly (when the group spans more), then {@code K} distinct experts uniformly among theirs.</li>
 *   <li>{@code zipf}: expert popularity {@code ∝ 1/rank^skew} over a seeded permutation of the experts;
 *       nodes are picked with probability proportional to their experts' popularity, then experts
 *       without replacement by popularity.</li>
 * </ul>
 * Each rank draws from its own stream ({@link SplittableRandom} split per rank in rank order), so
 * the result does not depend on the order ranks are processed in.
 */
public final class Routing {
    private Routing() {
    }

    /**
     * @param spec           routing kind, skew and seed ({@code trace} is not supported here)
     * @param ranks          ranks of the expert-parallel group
     * @param tokensPerRank  tokens each rank routes
     * @param experts        experts over the group; a multiple of {@code ranks}
     * @param topK           experts per token
     * @param ranksPerNode   ranks per node
     * @param maxNodes       node limit per token
     * @return {@code [rank][token·topK + j]} expert ids
     */
    public static int[][] sample(RoutingSpec spec, int ranks, int tokensPerRank, int experts, int topK,
                                 int ranksPerNode, int maxNodes) {
        if (experts % ranks != 0) {
            throw new IllegalArgumentException("experts (" + experts + ") must be a multiple of ranks (" + ranks + ")");
        }
        if (topK > experts) {
            throw new IllegalArgumentException("topK (" + topK + ") exceeds experts (" + experts + ")");
        }
        int nodes = Math.max(1, ranks / ranksPerNode);
        int expertsPerNode = experts / nodes;
        int limit = Math.min(nodes, maxNodes);
        if ((long) limit * expertsPerNode < topK) {
            limit = nodes;
        }
        int[][] out = new int[ranks][tokensPerRank * topK];
        SplittableRandom root = new SplittableRandom(spec.seed());
        double[] popularity = spec.kind() == RoutingKind.ZIPF ? zipf(experts, spec.skew(), root.split()) : null;
        for (int r = 0; r < ranks; r++) {
            SplittableRandom rnd = root.split();
            for (int t = 0; t < tokensPerRank; t++) {
                int base = t * topK;
                switch (spec.kind()) {
                    case BALANCED -> {
                        long first = ((long) r * tokensPerRank + t) * topK;
                        for (int j = 0; j < topK; j++) {
                            out[r][base + j] = (int) ((first + j) % experts);
                        }
                    }
                    case UNIFORM -> uniform(rnd, out[r], base, topK, nodes, expertsPerNode, limit);
                    case ZIPF -> weighted(rnd, out[r], base, topK, nodes, expertsPerNode, limit, popularity);
                    default -> throw new IllegalArgumentException("routing kind " + spec.kind().id()
                            + " is not supported by this workload");
                }
            }
        }
        return out;
    }

    private static double[] zipf(int experts, double skew, SplittableRandom rnd) {
        int[] perm = new int[experts];
        for (int i = 0; i < experts; i++) {
            perm[i] = i;
        }
        for (int i = experts - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        double[] p = new double[experts];
        for (int rank = 0; rank < experts; rank++) {
            p[perm[rank]] = 1.0 / Math.pow(rank + 1, skew);
        }
        return p;
    }

    private static void uniform(SplittableRandom rnd, int[] out, int base, int topK, int nodes, int expertsPerNode,
                                int limit) {
        int[] chosen = pickDistinct(rnd, nodes, limit);
        int pool = limit * expertsPerNode;
        int[] picks = pickDistinct(rnd, pool, topK);
        for (int j = 0; j < topK; j++) {
            int node = chosen[picks[j] / expertsPerNode];
            out[base + j] = node * expertsPerNode + picks[j] % expertsPerNode;
        }
    }

    /** {@code k} distinct values from {@code 0..n-1}, uniformly (Floyd's algorithm, in draw order). */
    private static int[] pickDistinct(SplittableRandom rnd, int n, int k) {
        int[] out = new int[k];
        if (k == n) {
            for (int i = 0; i < n; i++) {
                out[i] = i;
            }
            return out;
        }
        int size = 0;
        for (int j = n - k; j < n; j++) {
            int v = rnd.nextInt(j + 1);
            boolean seen = false;
            for (int i = 0; i < size; i++) {
                if (out[i] == v) {
                    seen = true;
                    break;
                }
            }
            out[size++] = seen ? j : v;
        }
        return out;
    }

    private static void weighted(SplittableRandom rnd, int[] out, int base, int topK, int nodes, int expertsPerNode,
                                 int limit, double[] popularity) {
        double[] nodeWeight = new double[nodes];
        for (int e = 0; e < popularity.length; e++) {
            nodeWeight[e / expertsPerNode] += popularity[e];
        }
        boolean[] nodeChosen = new boolean[nodes];
        for (int i = 0; i < limit; i++) {
            nodeChosen[draw(rnd, nodeWeight, nodeChosen)] = true;
        }
        double[] w = new double[popularity.length];
        boolean[] taken = new boolean[popularity.length];
        for (int e = 0; e < w.length; e++) {
            w[e] = nodeChosen[e / expertsPerNode] ? popularity[e] : 0;
            taken[e] = w[e] == 0;
        }
        for (int j = 0; j < topK; j++) {
            int e = draw(rnd, w, taken);
            taken[e] = true;
            out[base + j] = e;
        }
    }

    private static int draw(SplittableRandom rnd, double[] weight, boolean[] excluded) {
        double total = 0;
        for (int i = 0; i < weight.length; i++) {
            total += excluded[i] ? 0 : weight[i];
        }
        double x = rnd.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < weight.length; i++) {
            if (excluded[i] || weight[i] == 0) {
                continue;
            }
            last = i;
            x -= weight[i];
            if (x < 0) {
                return i;
            }
        }
        return last;
    }
}
