package io.moesim.profiles.cost;

import io.moesim.cost.Collective;
import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.cost.CollectiveCostModel;
import io.moesim.cost.CollectiveEstimate;
import io.moesim.cost.CommGroup;
import io.moesim.hardware.GpuSpec;

/**
 * Collective time from latency (α) and bandwidth (β) per tier: NVLink inside a node, the NICs between
 * nodes (rail-optimised: the {@code g} GPUs of a group on one node use {@code g} NICs).
 *
 * <h2>Algorithms</h2>
 * With {@code n} ranks, {@code g} per node, {@code N = n/g} nodes and {@code S} the nccl-tests size:
 * <ul>
 *   <li><b>all-reduce, ring</b>: every GPU moves {@code 2(n−1)/n·S} over NVLink and, across nodes, each
 *       NIC carries its {@code 1/g} share: {@code t = α + max(2(n−1)/n·S / nv, 2(n−1)/n·S/g / nic)}.</li>
 *   <li><b>all-reduce, NVLS</b> (one node, GPUs with NVSwitch SHARP): each GPU sends and receives {@code S}
 *       once; the switch reduces: {@code t = α + S / nvls}.</li>
 *   <li><b>all-reduce, hierarchical</b> (NCCL tree / NVLS-tree across nodes): reduce-scatter and
 *       all-gather inside the node (or NVLS), all-reduce of the {@code S/g} shard across nodes, pipelined:
 *       {@code t = α + max(intra, 2(N−1)/N·S/g / nic)}.</li>
 *   <li><b>all-gather, reduce-scatter</b>: ring ({@code (n−1)/n·S} per GPU) or hierarchical
 *       ({@code (g−1)/g·S} over NVLink, {@code (N−1)/N·S/g} per NIC).</li>
 *   <li><b>all-to-all, flat</b> (what NCCL and nccl-tests do): {@code (g−1)/n·S} over NVLink and
 *       {@code (n−g)/n·S} over the GPU's NIC, concurrently; small per-peer messages ({@code S/n}) lose
 *       NIC efficiency. <b>Hierarchical</b> (rail-aligned forwarding as DeepEP does): the same NIC bytes
 *       in {@code g}-times larger messages, plus forwarding the remote share over NVLink.</li>
 *   <li><b>send/recv</b>: each rank sends {@code S} to the next; over NVLink inside a node, over the NIC
 *       when the pair spans nodes.</li>
 * </ul>
 * {@link CollectiveAlgorithm#AUTO} takes the fastest applicable algorithm, as NCCL's tuner does, except
 * all-to-all, which NCCL always runs flat. Communication given few SMs is capped at
 * {@code sms · commSmGBps} per GPU.
 *
 * <h2>Constants and their sources</h2>
 * <ul>
 *   <li>NVLink ring efficiency {@value #RING_NVLINK_EFFICIENCY}: 8×H200 all-reduce ring bus bandwidth
 *       366 GB/s at 8 GiB over 450 GB/s links (ml-engineering network/README.md, nccl-tests).</li>
 *   <li>NVLS efficiency {@value #NVLS_EFFICIENCY}: 8×H200 NVLS all-reduce 473 GB/s bus bandwidth at 8 GiB,
 *       i.e. algorithm bandwidth 270 GB/s = 0.60 × 450 (same source).</li>
 *   <li>NVLink point-to-point efficiency {@value #P2P_NVLINK_EFFICIENCY}: send/recv 195 GB/s at 1 GiB on
 *       8×A100 NVLink3, 300 GB/s links (li-plus/playground cuda/nccl.md).</li>
 *   <li>NIC efficiency {@value #NIC_EFFICIENCY}: 2×8 H100 all-reduce 339 GB/s bus bandwidth at 8 GiB over
 *       8×25 GB/s per node (GCP A3-Mega nccl-tests log); the hierarchical model gives
 *       {@code 1.875 · 200 · e}, so e = 0.90.</li>
 *   <li>Latencies from NCCL's own tuning model (NVIDIA/nccl {@code src/graph/tuning.cc}, 2.18+): ring/tree
 *       base {@value #BASE_LATENCY_US} µs (LL protocol), {@value #NVLINK_STEP_US} µs per NVLink step,
 *       {@value #NET_STEP_US} µs per network step (LL), NVLS {@value #NVLS_LATENCY_US} µs (Simple).</li>
 *   <li>NIC message-size efficiency {@code m / (m + 8 KiB)}: RDMA writes reach half of line rate near
 *       8 KiB messages (typical {@code ib_write_bw} curves); assumption.</li>
 * </ul>
 * Not modelled: GCP TCPXO's ~120 µs small-message floor, SHARP/CollNet in the IB switches, congestion
 * from other jobs.
 *
 * @implNote immutable; thread-safe.
 */
public final class AnalyticalCollectiveModel implements CollectiveCostModel {
    static final double RING_NVLINK_EFFICIENCY = 0.813;
    static final double NVLS_EFFICIENCY = 0.60;
    static final double P2P_NVLINK_EFFICIENCY = 0.65;
    static final double NIC_EFFICIENCY = 0.90;
    static final double BASE_LATENCY_US = 6.6;
    static final double NVLINK_STEP_US = 0.6;
    static final double NET_STEP_US = 2.7;
    static final double NVLS_LATENCY_US = 25;
    static final double NIC_HALF_RATE_MESSAGE_BYTES = 8 * 1024;

    private final GpuSpec gpu;

    public AnalyticalCollectiveModel(GpuSpec gpu) {
        this.gpu = gpu;
    }

    @Override
    public CollectiveEstimate estimate(Collective op, CommGroup group, long bytes, CollectiveAlgorithm algorithm,
                                       int sms) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        if (sms < 1) {
            throw new IllegalArgumentException("sms must be at least 1, got " + sms);
        }
        if (algorithm == CollectiveAlgorithm.AUTO) {
            CollectiveEstimate best = null;
            for (CollectiveAlgorithm a : candidates(op, group)) {
                CollectiveEstimate e = estimate(op, group, bytes, a, sms);
                if (best == null || e.timeNs() < best.timeNs()) {
                    best = e;
                }
            }
            return best;
        }
        check(op, group, algorithm);
        if (group.ranks() == 1 || bytes == 0) {
            return new CollectiveEstimate(0, algorithm, false);
        }
        double us = switch (op) {
            case ALL_REDUCE -> allReduceUs(group, bytes, algorithm, sms);
            case ALL_GATHER, REDUCE_SCATTER -> gatherScatterUs(group, bytes, algorithm, sms);
            case ALL_TO_ALL -> allToAllUs(group, bytes, algorithm, sms);
            case SEND_RECV -> sendRecvUs(group, bytes, sms);
        };
        return new CollectiveEstimate(Math.round(us * 1e3), algorithm, false);
    }

    /** The algorithms AUTO chooses among for this op and group. */
    CollectiveAlgorithm[] candidates(Collective op, CommGroup group) {
        return switch (op) {
            case ALL_REDUCE -> group.singleNode()
                    ? (gpu.nvls() ? new CollectiveAlgorithm[]{CollectiveAlgorithm.RING, CollectiveAlgorithm.NVLS}
                                  : new CollectiveAlgorithm[]{CollectiveAlgorithm.RING})
                    : new CollectiveAlgorithm[]{CollectiveAlgorithm.RING, CollectiveAlgorithm.HIERARCHICAL};
            case ALL_GATHER, REDUCE_SCATTER -> group.singleNode()
                    ? new CollectiveAlgorithm[]{CollectiveAlgorithm.RING}
                    : new CollectiveAlgorithm[]{CollectiveAlgorithm.RING, CollectiveAlgorithm.HIERARCHICAL};
            case ALL_TO_ALL, SEND_RECV -> new CollectiveAlgorithm[]{CollectiveAlgorithm.FLAT};
        };
    }

    private void check(Collective op, CommGroup group, CollectiveAlgorithm a) {
        boolean ok = switch (a) {
            case RING -> op == Collective.ALL_REDUCE || op == Collective.ALL_GATHER || op == Collective.REDUCE_SCATTER;
            case NVLS -> op == Collective.ALL_REDUCE;
            case FLAT -> op == Collective.ALL_TO_ALL || op == Collective.SEND_RECV;
            case HIERARCHICAL -> op != Collective.SEND_RECV;
            case AUTO -> true;
        };
        if (!ok) {
            throw new IllegalArgumentException("algorithm " + a.id() + " does not apply to " + op.id());
        }
        if (a == CollectiveAlgorithm.NVLS && !gpu.nvls()) {
            throw new IllegalArgumentException(gpu.id() + " has no NVLS (NVSwitch in-network reduction)");
        }
        if (a == CollectiveAlgorithm.NVLS && !group.singleNode()) {
            throw new IllegalArgumentException("NVLS works within one NVLink domain; this group spans "
                    + group.nodes() + " nodes (use hierarchical)");
        }
    }

    /** GB/s = bytes/ns available per GPU for a phase: link speed × efficiency, capped by the SMs. */
    private double rate(double linkGBps, double efficiency, int sms) {
        double r = linkGBps * efficiency;
        return sms == ANY_SMS ? r : Math.min(r, sms * gpu.commSmGBps());
    }

    private double nvRing(int sms) {
        return rate(gpu.nvlinkGBps(), RING_NVLINK_EFFICIENCY, sms);
    }

    private double nic(int sms, double messageBytes) {
        double sizeEfficiency = messageBytes / (messageBytes + NIC_HALF_RATE_MESSAGE_BYTES);
        return rate(gpu.nicGBps(), NIC_EFFICIENCY * sizeEfficiency, sms);
    }

    private double allReduceUs(CommGroup grp, long bytes, CollectiveAlgorithm a, int sms) {
        int n = grp.ranks();
        int g = grp.ranksPerNode();
        int nodes = grp.nodes();
        double s = bytes;
        switch (a) {
            case NVLS -> {
                return NVLS_LATENCY_US + s / rate(gpu.nvlinkGBps(), NVLS_EFFICIENCY, sms) / 1e3;
            }
            case RING -> {
                double factor = 2.0 * (n - 1) / n;
                double nv = g > 1 ? factor * s / nvRing(sms) : 0;
                double net = nodes > 1 ? factor * s / g / nic(sms, s / g / n) : 0;
                double step = nodes > 1 ? NET_STEP_US : NVLINK_STEP_US;
                return BASE_LATENCY_US + 2.0 * (n - 1) * step + Math.max(nv, net) / 1e3;
            }
            default -> {
                double intraRing = g > 1 ? 2.0 * (g - 1) / g * s / nvRing(sms) : 0;
                double intra = gpu.nvls() && g > 1
                        ? Math.min(intraRing, s / rate(gpu.nvlinkGBps(), NVLS_EFFICIENCY, sms)) : intraRing;
                double net = 2.0 * (nodes - 1) / nodes * s / g / nic(sms, s / g / nodes);
                double latency = BASE_LATENCY_US + 2.0 * (g - 1) * NVLINK_STEP_US + 2.0 * log2(nodes) * NET_STEP_US;
                return latency + Math.max(intra, net) / 1e3;
            }
        }
    }

    private double gatherScatterUs(CommGroup grp, long bytes, CollectiveAlgorithm a, int sms) {
        int n = grp.ranks();
        int g = grp.ranksPerNode();
        int nodes = grp.nodes();
        double s = bytes;
        if (a == CollectiveAlgorithm.RING) {
            double factor = (n - 1.0) / n;
            double nv = g > 1 ? factor * s / nvRing(sms) : 0;
            double net = nodes > 1 ? factor * s / g / nic(sms, s / n) : 0;
            double step = nodes > 1 ? NET_STEP_US : NVLINK_STEP_US;
            return BASE_LATENCY_US + (n - 1) * step + Math.max(nv, net) / 1e3;
        }
        double intra = g > 1 ? (g - 1.0) / g * s / nvRing(sms) : 0;
        double net = (nodes - 1.0) / nodes * s / g / nic(sms, s / n);
        double latency = BASE_LATENCY_US + (g - 1) * NVLINK_STEP_US + (nodes - 1) * NET_STEP_US;
        return latency + Math.max(intra, net) / 1e3;
    }

    private double allToAllUs(CommGroup grp, long bytes, CollectiveAlgorithm a, int sms) {
        int n = grp.ranks();
        int g = grp.ranksPerNode();
        int nodes = grp.nodes();
        double s = bytes;
        double p2p = rate(gpu.nvlinkGBps(), P2P_NVLINK_EFFICIENCY, sms);
        double remote = s * (n - g) / n;
        if (a == CollectiveAlgorithm.FLAT) {
            double nv = s * (g - 1) / n / p2p;
            double net = nodes > 1 ? remote / nic(sms, s / n) : 0;
            double latency = BASE_LATENCY_US + NVLINK_STEP_US + (nodes > 1 ? NET_STEP_US : 0);
            return latency + Math.max(nv, net) / 1e3;
        }
        double nv = (s * (g - 1) / n + remote * (g - 1) / g) / p2p;
        double net = nodes > 1 ? remote / nic(sms, s * g / n) : 0;
        double latency = BASE_LATENCY_US + 2 * NVLINK_STEP_US + (nodes > 1 ? NET_STEP_US : 0);
        return latency + Math.max(nv, net) / 1e3;
    }

    private double sendRecvUs(CommGroup grp, long bytes, int sms) {
        if (grp.singleNode()) {
            return BASE_LATENCY_US + NVLINK_STEP_US + bytes / rate(gpu.nvlinkGBps(), P2P_NVLINK_EFFICIENCY, sms) / 1e3;
        }
        return BASE_LATENCY_US + NET_STEP_US + bytes / nic(sms, bytes) / 1e3;
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
