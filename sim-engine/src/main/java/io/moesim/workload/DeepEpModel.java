package io.moesim.workload;

import io.moesim.cost.FabricRates;

/**
 * Expected per-rank traffic and time of a DeepEP normal-kernel dispatch or combine under uniform
 * routing, in closed form: the same traffic rules as {@link DispatchWorkload} (one RDMA copy per remote
 * target node to the rail peer, NVLink forwarding to each target GPU, SM warps touching every byte sent
 * and every NVLink byte received) with expectations in place of sampled routes. Used by the
 * training-step workload, where sampling every layer and micro-batch would cost too much.
 *
 * <p>With {@code N} nodes of {@code G} ranks, {@code E} experts, top-{@code K} and a node limit
 * {@code M}: a token's experts fall in {@code M} chosen nodes holding {@code E_M = M·E/N} experts, so
 * it reaches {@code M·(1 − C(E_M − E/N, K)/C(E_M, K))} nodes and {@code M·G·(1 − C(E_M − E/(NG), K)/C(E_M, K))}
 * GPUs; a fraction {@code (N−1)/N} of the nodes is remote, and a fraction {@code 1/G} of the target GPUs
 * is the forwarder itself.
 */
public final class DeepEpModel {
    private DeepEpModel() {
    }

    /** {@code C(a, k)/C(b, k)} for {@code a ≤ b}: the chance that k draws without replacement from b miss b−a. */
    static double missRatio(double a, double b, int k) {
        if (a < k) {
            return 0;
        }
        double r = 1;
        for (int i = 0; i < k; i++) {
            r *= (a - i) / (b - i);
        }
        return r;
    }

    /**
     * Time in ns of one dispatch (or combine) moving {@code tokens} tokens of {@code bytesPerToken} per rank.
     *
     * @param nodes    nodes of the expert-parallel group
     * @param perNode  ranks of the group per node
     * @param experts  experts over the group
     * @param topK     experts per token
     * @param maxNodes node limit per token
     * @param sms      SMs the kernel holds
     */
    public static long timeNs(double tokens, double bytesPerToken, int nodes, int perNode, int experts, int topK,
                              int maxNodes, int sms, FabricRates fabric) {
        int m = Math.min(Math.max(1, maxNodes), nodes);
        double pool = (double) m * experts / nodes;
        double perGpu = (double) experts / (nodes * perNode);
        double nodesHit = m * (1 - missRatio(pool - (double) experts / nodes, pool, topK));
        double gpusHit = m * perNode * (1 - missRatio(pool - perGpu, pool, topK));
        double remoteNodes = nodesHit * (nodes - 1) / nodes;
        double nvlinkCopies = perNode > 1 ? gpusHit * (perNode - 1) / perNode : 0;
        double rdma = tokens * remoteNodes * bytesPerToken;
        double nvlink = tokens * nvlinkCopies * bytesPerToken;
        double smBytes = rdma + 2 * nvlink;
        double ns = Math.max(rdma / fabric.nicBytesPerNs(), nvlink / fabric.nvlinkBytesPerNs());
        ns = Math.max(ns, smBytes / (sms * fabric.commBytesPerNsPerSm()));
        long latency = nodes > 1 ? fabric.interNodeLatencyNs() : fabric.intraNodeLatencyNs();
        return latency + Math.round(ns);
    }
}
