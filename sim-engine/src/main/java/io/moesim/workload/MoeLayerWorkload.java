package io.moesim.workload;

import io.moesim.cost.Collective;
import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.cost.CommGroup;
import io.moesim.cost.CostModel;
import io.moesim.cost.MemoryOp;
import io.moesim.engine.Category;
import io.moesim.engine.SimulationListener;
import io.moesim.engine.SimulationResult;
import io.moesim.engine.Simulator;
import io.moesim.engine.TaskGraph;
import io.moesim.engine.Topology;
import io.moesim.scenario.DataType;
import io.moesim.scenario.MoeLayerSpec;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;

/**
 * The {@code moe-layer} workload: the forward of one MoE layer on a tensor-parallel × expert-parallel
 * group, as the kernel-level comparisons of Flux/Comet and Tutel measure it, on one representative GPU.
 *
 * <p>{@code tokens} enter the layer across the group; each GPU starts with {@code tokens/(tp·ep)}. Gate
 * (router GEMM and top-k) on the local tokens; with {@code tp > 1} the experts are tensor-parallel: the
 * group all-gathers the tokens, every GPU runs all its experts on a {@code 1/tp} slice of the expert width
 * (grouped GEMMs, balanced routing: {@code tokens·topK/experts} rows each), the top-k partial outputs of
 * each token are combined locally and reduce-scattered over the group; with {@code ep > 1} tokens
 * are dispatched and combined over the expert-parallel group (all-to-all).
 *
 * <p>Strategies: {@code megatron} (and any other name) runs the steps one after another on the compute
 * stream. {@code comet} overlaps communication with the expert GEMMs tile by tile (Flux/Comet): the
 * all-gather is split into {@code tp} chunks (one per peer, moved by copy engines, holding no SMs) that
 * feed the first GEMM chunk by chunk; the second GEMM's output is reduce-scattered chunk by chunk by
 * communication warps holding {@code c} SMs, with {@code c} chosen adaptively from {8, 16, 24, 32} (Comet's
 * adaptive thread-block assignment) to minimise the layer time. The engine resolves the overlap.
 */
public final class MoeLayerWorkload {
    private static final int[] COMM_SM_CHOICES = {8, 16, 24, 32};

    private MoeLayerWorkload() {
    }

    /** Simulates the scenario's MoE layer. */
    public static MoeLayerResult run(Scenario sc, CostModel cost, SimulationListener listener) {
        if (sc.workload() != Workload.MOE_LAYER || sc.layer() == null) {
            throw new IllegalArgumentException("scenario '" + sc.name() + "' is not a moe-layer workload");
        }
        boolean overlap = sc.strategy().name().equals("comet");
        if (!overlap) {
            return simulate(sc, cost, 1, 0, listener);
        }
        MoeLayerResult best = null;
        for (int c : COMM_SM_CHOICES) {
            if (c >= cost.smCount()) {
                continue;
            }
            MoeLayerResult r = simulate(sc, cost, Math.max(2, sc.parallel().tp()), c, listener);
            if (best == null || r.layerTimeMs() < best.layerTimeMs()) {
                best = r;
            }
        }
        return best;
    }

    private static MoeLayerResult simulate(Scenario sc, CostModel cost, int chunks, int commSms,
                                           SimulationListener listener) {
        MoeLayerSpec l = sc.layer();
        int tp = sc.parallel().tp();
        int ep = sc.parallel().ep();
        int sms = cost.smCount();
        DataType type = sc.precision() == Precision.FP8 ? DataType.FP8 : DataType.BF16;
        long h = l.hidden();
        double local = (double) l.tokens() / (tp * ep);
        int localExperts = l.experts() / ep;
        double groupTokens = local * tp;
        long rowsPerExpert = Math.round(groupTokens * l.topK() / l.experts() * ep / (double) ep);
        long width = l.expertFfn() / tp;
        long up = width * (l.activation().gated() ? 2 : 1);
        CommGroup tpGroup = CommGroup.packed(tp, Math.min(tp, sc.cluster().gpusPerNode()));
        CommGroup epGroup = CommGroup.packed(ep, Math.min(ep, sc.cluster().gpusPerNode()));

        Topology topo = new Topology(1, 1, sms, 1, 1, 1);
        TaskGraph.Builder g = TaskGraph.builder(topo);
        int gate = g.compute(0, 0, "gate", Category.GEMM,
                cost.gemm().timeNs(Math.max(1, Math.round(local)), l.experts(), h, type, sms)
                        + cost.memory().timeNs(MemoryOp.ROUTER_TOPK, (long) (local * l.experts() * 8), sms),
                2.0 * local * l.experts() * h);
        int prev = gate;
        if (ep > 1) {
            long bytes = (long) (local * l.topK() * h * 2);
            long a2a = cost.collectives().estimate(Collective.ALL_TO_ALL, epGroup, bytes, CollectiveAlgorithm.AUTO,
                    io.moesim.cost.CollectiveCostModel.ANY_SMS).timeNs();
            prev = g.communication("ep-dispatch", Category.EP_COMM).participant(0, 0).latencyNs(a2a).add(prev);
        }
        long agBytes = (long) (groupTokens * h * 2);
        // The top-k contributions of a token are combined locally (each GPU holds a partial sum over its slice
        // of the expert width for every routed row), so the reduce-scatter moves one row per token.
        long rsBytes = (long) (groupTokens * h * 2);
        // One fused kernel consumes the chunks as they arrive (tile-level overlap), so each chunk costs its
        // share of the whole grouped GEMM (weights are not re-read per chunk).
        long[] rows = new long[localExperts];
        java.util.Arrays.fill(rows, Math.max(1, rowsPerExpert));
        long fc1Ns = cost.gemm().groupedTimeNs(rows, up, h, type, sms) / chunks;
        long fc2Ns = cost.gemm().groupedTimeNs(rows, h, width, type, sms) / chunks;
        double fc1Flops = 2.0 * rowsPerExpert * localExperts * up * h / chunks;
        double fc2Flops = 2.0 * rowsPerExpert * localExperts * h * width / chunks;
        int commStream = chunks > 1 ? 1 : 0;
        int[] fc1 = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            int dep = prev;
            if (tp > 1) {
                long ag = cost.collectives().estimate(Collective.ALL_GATHER, tpGroup, agBytes / chunks,
                        CollectiveAlgorithm.AUTO, io.moesim.cost.CollectiveCostModel.ANY_SMS).timeNs();
                dep = g.communication("tp-allgather" + (chunks > 1 ? " " + c : ""), Category.TP_COMM)
                        .participant(0, commStream).latencyNs(ag).add(chunks > 1 && c > 0 ? new int[]{dep} : new int[]{prev});
                prev = chunks > 1 ? dep : prev;
            }
            fc1[c] = g.compute(0, 0, "expert-fc1" + (chunks > 1 ? " " + c : ""), Category.GEMM, fc1Ns, fc1Flops, dep);
            if (chunks == 1) {
                prev = fc1[c];
            }
        }
        int act = g.compute(0, 0, "activation", Category.MEMORY, cost.memory().timeNs(MemoryOp.ACTIVATION,
                (long) (groupTokens * l.topK() * (up + width) * 2 / ep), sms), 0, fc1[chunks - 1]);
        int last = act;
        int[] rs = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            int fc2 = g.compute(0, 0, "expert-fc2" + (chunks > 1 ? " " + c : ""), Category.GEMM, fc2Ns, fc2Flops, last);
            last = fc2;
            if (tp > 1) {
                int dep = c > 0 && chunks > 1 ? rs[c - 1] : fc2;
                long t = cost.collectives().estimate(Collective.REDUCE_SCATTER, tpGroup, rsBytes / chunks,
                        CollectiveAlgorithm.AUTO, commSms > 0 ? commSms : io.moesim.cost.CollectiveCostModel.ANY_SMS)
                        .timeNs();
                TaskGraph.Communication comm = g.communication("tp-reducescatter" + (chunks > 1 ? " " + c : ""),
                        Category.TP_COMM).participant(0, commStream).latencyNs(t).smsHeld(chunks > 1 ? commSms : 0);
                rs[c] = chunks > 1 ? comm.add(fc2, dep) : comm.add(fc2);
                if (chunks == 1) {
                    last = rs[c];
                }
            } else {
                rs[c] = fc2;
            }
        }
        int tail = chunks > 1 ? rs[chunks - 1] : last;
        if (ep > 1) {
            long bytes = (long) (local * l.topK() * h * 2);
            long a2a = cost.collectives().estimate(Collective.ALL_TO_ALL, epGroup, bytes, CollectiveAlgorithm.AUTO,
                    io.moesim.cost.CollectiveCostModel.ANY_SMS).timeNs();
            tail = g.communication("ep-combine", Category.EP_COMM).participant(0, 0).latencyNs(a2a).add(tail, last);
        }
        g.compute(0, 0, "topk-combine", Category.MEMORY, cost.memory().timeNs(MemoryOp.UNPERMUTE,
                (long) (local * l.topK() * h * 2 * 2), sms), 0, tail, last);
        SimulationResult sim = Simulator.run(g.build(), listener);
        double total = sim.makespanNs() / 1e6;
        double compute = sim.computeBusyNs(0) / 1e6;
        return new MoeLayerResult(total, Math.max(0, total - compute), compute, chunks, commSms, sim);
    }
}
