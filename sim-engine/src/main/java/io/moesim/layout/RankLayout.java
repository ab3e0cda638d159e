package io.moesim.layout;

import io.moesim.cost.CommGroup;
import io.moesim.scenario.ParallelLayout;

/**
 * Where every rank sits in every parallel dimension, following Megatron-Core's default rank order
 * ({@code initialize_model_parallel(order="tp-cp-ep-dp-pp")}, {@code RankGenerator}): for the dense
 * (attention) part a rank is
 * <pre>  r = tp + TP·(cp + CP·(dp + DP·pp))</pre>
 * and for the experts (MoE Parallel Folding, a second generator with the same pipeline split)
 * <pre>  r = etp + ETP·(ep + EP·(edp + EDP·pp))</pre>
 * so tensor-parallel peers are consecutive ranks and pipeline stages are the slowest dimension.
 * Ranks fill nodes in order ({@code node = r / gpusPerNode}), so the layout alone decides which
 * collectives cross the network.
 *
 * @implNote immutable; all methods are O(group size).
 */
public final class RankLayout {
    private final ParallelLayout p;
    private final int gpus;
    private final int gpusPerNode;
    private final int dp;
    private final int edp;

    /**
     * @throws IllegalArgumentException if the layout does not tile {@code gpus} (see {@code ScenarioRules})
     */
    public RankLayout(ParallelLayout p, int gpus, int gpusPerNode) {
        if (gpus % (p.tp() * p.cp() * p.pp()) != 0) {
            throw new IllegalArgumentException("tp·cp·pp = " + p.tp() * p.cp() * p.pp() + " must divide " + gpus + " GPUs");
        }
        this.p = p;
        this.gpus = gpus;
        this.gpusPerNode = gpusPerNode;
        this.dp = p.dp(gpus);
        int perStage = gpus / p.pp();
        if (perStage % (p.etp() * p.ep()) != 0) {
            throw new IllegalArgumentException("etp·ep = " + p.etp() * p.ep() + " must divide the " + perStage
                    + " GPUs of a pipeline stage");
        }
        this.edp = perStage / (p.etp() * p.ep());
    }

    public int gpus() {
        return gpus;
    }

    public int dp() {
        return dp;
    }

    public int edp() {
        return edp;
    }

    private int perStage() {
        return gpus / p.pp();
    }

    public int tpRank(int r) {
        return r % p.tp();
    }

    public int cpRank(int r) {
        return r / p.tp() % p.cp();
    }

    public int dpRank(int r) {
        return r / (p.tp() * p.cp()) % dp;
    }

    public int ppRank(int r) {
        return r / perStage();
    }

    public int etpRank(int r) {
        return r % p.etp();
    }

    public int epRank(int r) {
        return r / p.etp() % p.ep();
    }

    public int edpRank(int r) {
        return r / (p.etp() * p.ep()) % edp;
    }

    /** The rank with the given dense coordinates. */
    public int rank(int tp, int cp, int dpRank, int pp) {
        return tp + p.tp() * (cp + p.cp() * (dpRank + dp * pp));
    }

    /** Members of {@code r}'s tensor-parallel group (consecutive ranks). */
    public int[] tpGroup(int r) {
        return stride(r - tpRank(r), 1, p.tp());
    }

    /** Members of {@code r}'s context-parallel group. */
    public int[] cpGroup(int r) {
        return stride(r - cpRank(r) * p.tp(), p.tp(), p.cp());
    }

    /** Members of {@code r}'s data-parallel group (same tp, cp and pp coordinates). */
    public int[] dpGroup(int r) {
        return stride(r - dpRank(r) * p.tp() * p.cp(), p.tp() * p.cp(), dp);
    }

    /**
     * The group over which dense gradients are reduced: data- and context-parallel ranks together
     * (Megatron's {@code dp-cp} group), i.e. the same tp and pp coordinates.
     */
    public int[] dpCpGroup(int r) {
        int base = r - (r / p.tp() % (p.cp() * dp)) * p.tp();
        return stride(base, p.tp(), p.cp() * dp);
    }

    /** Members of {@code r}'s pipeline group (the same rank in every stage). */
    public int[] ppGroup(int r) {
        return stride(r % perStage(), perStage(), p.pp());
    }

    /** Members of {@code r}'s expert-tensor-parallel group. */
    public int[] etpGroup(int r) {
        return stride(r - etpRank(r), 1, p.etp());
    }

    /** Members of {@code r}'s expert-parallel group (the all-to-all group). */
    public int[] epGroup(int r) {
        return stride(r - epRank(r) * p.etp(), p.etp(), p.ep());
    }

    /** Members of {@code r}'s expert-data-parallel group (expert gradients are reduced here). */
    public int[] edpGroup(int r) {
        return stride(r - edpRank(r) * p.etp() * p.ep(), p.etp() * p.ep(), edp);
    }

    private static int[] stride(int first, int step, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = first + i * step;
        }
        return out;
    }

    /** The node of a rank. */
    public int nodeOf(int r) {
        return r / gpusPerNode;
    }

    /**
     * How a group sits on nodes, for the collective cost model: its size and how many members share a
     * node. When members are spread unevenly the smallest per-node count is used (the network carries
     * at least that much).
     */
    public CommGroup placement(int[] members) {
        int min = Integer.MAX_VALUE;
        int i = 0;
        while (i < members.length) {
            int node = nodeOf(members[i]);
            int count = 0;
            for (int m : members) {
                if (nodeOf(m) == node) {
                    count++;
                }
            }
            min = Math.min(min, count);
            while (i < members.length && nodeOf(members[i]) == node) {
                i++;
            }
        }
        int perNode = min;
        while (members.length % perNode != 0) {
            perNode--;
        }
        return new CommGroup(members.length, perNode);
    }
}
