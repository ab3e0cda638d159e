package io.moesim.workload;

import io.moesim.cost.Collective;
import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.cost.CollectiveCostModel;
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
import java.util.Arrays;

/**
 * The {@code moe-layer} workload: the forward of one MoE layer on a tensor-parallel × expert-parallel
 * group of {@code W = tp·ep} GPUs, as the kernel-level comparisons of Flux/Comet measure it, on one
 * representative GPU. The full model, its sources and its measured accuracy: {@code docs/moe-layer.md}.
 *
 * <h2>Data movement (both strategies)</h2>
 * {@code tokens} enter the layer spread over the group, {@code tokens/W} per GPU. After the router, every
 * GPU all-gathers all tokens over the whole group (Megatron's all-gather dispatcher; Flux's
 * {@code GemmGroupedV3AGScatter}), runs its {@code experts/ep} local experts on the rows routed to them
 * ({@code tokens·topK/experts} each, balanced routing) over a {@code 1/tp} slice of the expert width,
 * applies the activation, runs the second expert GEMM, reduces each token's top-k rows locally into one
 * partial row and reduce-scatters the partial rows over the group, so that each GPU ends with its
 * {@code tokens/W} tokens. "Layer 0" is all-gather + scatter + first GEMM, "layer 1" is second GEMM +
 * top-k reduce + reduce-scatter, as Flux's {@code docs/performance.md} times them.
 *
 * <h2>{@code megatron} (and any strategy but {@code comet})</h2>
 * Every step after the other on one stream: router, all-gather, permute (gather of the routed rows),
 * first grouped GEMM, activation, second grouped GEMM, top-k reduce (un-permute), reduce-scatter.
 *
 * <h2>{@code comet}: what Flux's kernels do (bytedance/flux, commit 19831ca)</h2>
 * <b>Layer 0</b> ({@code src/moe_ag_scatter}): the local shard is copied into a symmetric buffer and the group
 * synchronises (an NVSHMEM barrier); a copy stream then <em>pulls</em> the {@code W−1} peer shards one after
 * the other with copy-engine transfers ({@code nvshmemx_getmem_on_stream}; no SMs), setting a flag per shard.
 * Meanwhile the main stream computes the gather indices, synchronises with the host and launches one grouped
 * GEMM on all SMs whose problems are each expert's rows sorted by source rank and cut into pieces of
 * {@value #FLUX_PROBLEM_TILES}·{@value #FLUX_AG_TILE_M} rows; a piece waits for the flags of every source
 * rank its rows come from, and the pieces run in the order their last source rank arrives. With
 * {@code rows/(experts·W)} rows per expert and source rank (128 for 8192 tokens, top-4 of 32 experts on 8
 * GPUs) a piece spans several source ranks: half of Flux's TP8/E32/top-4 GEMM waits for the third peer
 * shard, the other half for the last one, so the GEMM's second half runs after the whole all-gather.
 * <br><b>Layer 1</b> ({@code src/moe_gather_rs}): one kernel whose last {@value #GATHER_RS_CTAS_16BIT} thread
 * blocks ({@value #GATHER_RS_CTAS_FP8} for FP8) do the top-k reduce and reduce-scatter, so the grouped GEMM
 * runs on the other SMs the whole time. The GEMM is decomposed along N (the hidden dimension) into
 * {@code S} = 8 splits (7 for hidden 7168, 9 for 1152; {@code dispatch_split}), split-major: after split
 * {@code s} every token's top-k rows are final in that column slice, so the communication blocks read the
 * {@code topK} rows of every token from the GEMM's output in HBM, add them and store the sum directly into
 * the owning rank's buffer (SM-driven NVLink stores) while the GEMM computes split {@code s+1}. Splits
 * {@code 0 … S−2} overlap the GEMM; the last split is reduced and scattered by the GEMM's own blocks after
 * the GEMM. A decomposition along M (tokens) could not start early: a token is final only after all of its
 * {@code topK} experts ran. Then a group barrier and a sum of the {@code W} partial buffers (a separate
 * kernel).
 *
 * <h2>Costs</h2>
 * GEMMs, memory-bound kernels and collectives come from the cost model. Copy-engine pulls move the
 * all-gather at the rate the collective model gives an all-gather of the whole tensor (each pull takes
 * {@code 1/(W−1)} of it); the reduce-scatter of a split takes {@code 1/S} of a reduce-scatter of the partial
 * rows driven by the communication blocks' SMs, and no less than the memory model's time for the
 * communication blocks to read the top-k rows and write the sums. HBM contention: a GEMM piece takes no
 * less than the HBM time of its own traffic plus the traffic the concurrent communication puts on the same
 * HBM (the copy engines' writes in layer 0; the top-k reads and the peers' incoming stores in layer 1). The
 * barriers cost the fabric's intra-node (or inter-node) start-up latency; the host round trip before
 * layer 0's GEMM costs one kernel launch.
 */
public final class MoeLayerWorkload {
    /**
     * Layer-0 GEMM problem size in tiles: Flux cuts each expert's rows into problems of
     * {@code tile_M · 4} rows ({@code get_sorted_problem_schedule(sorted_splits_cpu, tp_env, nexperts_ep,
     * tile_M, 4)} in {@code src/moe_ag_scatter/ths_op/gemm_grouped_v3_ag_scatter.cc}, bytedance/flux 19831ca).
     */
    static final int FLUX_PROBLEM_TILES = 4;
    /**
     * Layer-0 tile M: the BF16 kernels' generator space is tile {@code (Auto, 256|128, Auto)}
     * ({@code src/generator/gen_moe_ag_scatter.cc}); {@code materialize_tile_shape_m} makes Auto 128 for the
     * cooperative schedule ({@code include/flux/gemm_hparams.h}); with no tuning record for the shape,
     * {@code OpRegistry::get_hparams} takes the first registered candidate, cluster 2×1×1 cooperative
     * (inferred from the generator's order, bytedance/flux 19831ca).
     */
    static final int FLUX_AG_TILE_M = 128;
    /**
     * Thread blocks of layer 1's kernel that do the top-k reduce and reduce-scatter for BF16/FP16:
     * {@code int gather_rs_ctas = 28;} in {@code src/moe_gather_rs/ths_op/gemm_grouped_v3_gather_rs.cc}
     * (bytedance/flux 19831ca); the kernel launches {@code sm_count − 28} GEMM blocks plus these.
     */
    static final int GATHER_RS_CTAS_16BIT = 28;
    /** The same for FP8 inputs: {@code gather_rs_ctas = 32} (same file). */
    static final int GATHER_RS_CTAS_FP8 = 32;
    /** Bytes of a routing or gather index (int32, as Flux's {@code scatter_index}/{@code gather_index}). */
    private static final int INDEX_BYTES = 4;
    /** Bytes of the GEMMs' outputs and of the reduce-scatter's partial rows (BF16). */
    private static final int OUT_BYTES = 2;
    private static final int MAIN = 0;
    private static final int SIDE = 1;

    private MoeLayerWorkload() {
    }

    /** Simulates the scenario's MoE layer. */
    public static MoeLayerResult run(Scenario sc, CostModel cost, SimulationListener listener) {
        if (sc.workload() != Workload.MOE_LAYER || sc.layer() == null) {
            throw new IllegalArgumentException("scenario '" + sc.name() + "' is not a moe-layer workload");
        }
        Dims d = new Dims(sc, cost);
        boolean overlap = sc.strategy().name().equals("comet") && d.world > 1;
        return overlap ? flux(sc, d, cost, listener) : sequential(d, cost, listener);
    }

    /** The shapes of one layer on one GPU of the group. */
    static final class Dims {
        final MoeLayerSpec l;
        final int tp;
        final int ep;
        final int world;
        final int sms;
        final DataType type;
        final int inBytes;
        final long h;
        final double tokens;
        final double local;
        final int localExperts;
        final double rowsPerExpert;
        final double localRows;
        final long width;
        final long up;
        final long[] groupRows;
        /** Fraction of all tokens with at least one expert on this GPU's expert-parallel rank. */
        final double tokensWithLocalExpert;
        final CommGroup group;
        final long barrierNs;

        Dims(Scenario sc, CostModel cost) {
            l = sc.layer();
            tp = sc.parallel().tp();
            ep = sc.parallel().ep();
            world = tp * ep;
            sms = cost.smCount();
            type = sc.precision() == Precision.FP8 ? DataType.FP8 : DataType.BF16;
            inBytes = type.bytesPerElement();
            h = l.hidden();
            tokens = l.tokens();
            local = tokens / world;
            localExperts = l.experts() / ep;
            rowsPerExpert = tokens * l.topK() / l.experts();
            localRows = rowsPerExpert * localExperts;
            width = l.expertFfn() / tp;
            up = width * (l.activation().gated() ? 2 : 1);
            groupRows = new long[localExperts];
            Arrays.fill(groupRows, Math.max(1, Math.round(rowsPerExpert)));
            tokensWithLocalExpert = withLocalExpert(l.experts(), localExperts, l.topK());
            group = CommGroup.packed(world, Math.min(world, sc.cluster().gpusPerNode()));
            barrierNs = group.singleNode() ? cost.fabric().intraNodeLatencyNs() : cost.fabric().interNodeLatencyNs();
        }

        /** Bytes of the whole all-gathered input (the all-gather's size as nccl-tests counts it). */
        long allGatherBytes() {
            return (long) (tokens * h * inBytes);
        }

        /** Bytes of the partial rows the reduce-scatter distributes (one row per token with a local expert). */
        long reduceScatterBytes() {
            return (long) (tokensWithLocalExpert * tokens * h * OUT_BYTES);
        }
    }

    /**
     * Probability that a token's {@code topK} distinct experts include at least one of {@code local} given
     * experts out of {@code experts}, for uniform top-k routing: {@code 1 − C(experts−local, k)/C(experts, k)}.
     * 1 without expert parallelism.
     */
    static double withLocalExpert(int experts, int local, int topK) {
        double none = 1;
        for (int i = 0; i < topK; i++) {
            none *= Math.max(0.0, (double) (experts - local - i)) / (experts - i);
        }
        return 1 - none;
    }

    /**
     * Layer-0 readiness: element {@code r} is the fraction of the first GEMM's rows whose Flux problem needs
     * relative source rank {@code r} (0 = this GPU's own shard, {@code r} = the {@code r}-th peer shard the
     * copy stream pulls) as its last shard. Each expert's {@code rowsPerRank·ranks} rows are ordered by source
     * rank and cut into problems of {@code problemRows} rows; a problem needs every rank its rows come from.
     */
    static double[] layer0ReadyFractions(double rowsPerRank, int ranks, long problemRows) {
        double[] f = new double[ranks];
        double total = rowsPerRank * ranks;
        if (total <= 0) {
            f[0] = 1;
            return f;
        }
        for (double start = 0; start < total - 1e-9; start += problemRows) {
            double end = Math.min(total, start + problemRows);
            int last = (int) Math.min(ranks - 1, Math.max(0, Math.ceil(end / rowsPerRank - 1e-9) - 1));
            f[last] += (end - start) / total;
        }
        return f;
    }

    /** Layer 1's N-splits: Flux's {@code dispatch_split} (7 for hidden 7168, 9 for 1152, else 8), 1 if 8 does not divide. */
    static int splits(long hidden) {
        if (hidden == 7168) {
            return 7;
        }
        if (hidden == 1152) {
            return 9;
        }
        return hidden % 8 == 0 ? 8 : 1;
    }

    /** Communication thread blocks of layer 1's kernel: the scenario's {@code strategy.commSms}, else Flux's. */
    static int gatherRsCtas(Scenario sc, Dims d) {
        Integer knob = sc.strategy().knobs() == null ? null : sc.strategy().knobs().commSms();
        int c = knob != null ? knob : d.type == DataType.FP8 ? GATHER_RS_CTAS_FP8 : GATHER_RS_CTAS_16BIT;
        if (c >= d.sms) {
            throw new IllegalArgumentException("strategy.commSms (" + c + ") must be below the GPU's " + d.sms + " SMs");
        }
        return c;
    }

    private static long hbmNs(CostModel cost, double bytes, int sms) {
        return bytes <= 0 ? 0 : cost.memory().timeNs(MemoryOp.ELEMENTWISE, (long) bytes, sms);
    }

    private static int router(TaskGraph.Builder g, Dims d, CostModel cost) {
        long rows = Math.max(1, Math.round(d.local));
        return g.compute(0, MAIN, "router", Category.GEMM,
                cost.gemm().timeNs(rows, d.l.experts(), d.h, d.type, d.sms)
                        + cost.memory().timeNs(MemoryOp.ROUTER_TOPK, (long) (d.local * d.l.experts() * 8), d.sms),
                2.0 * d.local * d.l.experts() * d.h);
    }

    private static int activation(TaskGraph.Builder g, Dims d, CostModel cost, int dep) {
        return g.compute(0, MAIN, "activation", Category.MEMORY, cost.memory().timeNs(MemoryOp.ACTIVATION,
                (long) (d.localRows * (d.up + d.width) * OUT_BYTES), d.sms), 0, dep);
    }

    private static double fc1Flops(Dims d) {
        return 2.0 * d.localRows * d.up * d.h;
    }

    private static double fc2Flops(Dims d) {
        return 2.0 * d.localRows * d.h * d.width;
    }

    /** Megatron-style: every step after the other on the compute stream. */
    private static MoeLayerResult sequential(Dims d, CostModel cost, SimulationListener listener) {
        TaskGraph.Builder g = TaskGraph.builder(new Topology(1, 1, d.sms, 1, 1, 1));
        int router = router(g, d, cost);
        int prev = router;
        if (d.world > 1) {
            long ag = cost.collectives().estimate(Collective.ALL_GATHER, d.group, d.allGatherBytes(),
                    CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS).timeNs();
            prev = g.communication("all-gather", d.ep > 1 ? Category.EP_COMM : Category.TP_COMM)
                    .participant(0, MAIN).latencyNs(ag).add(prev);
        }
        // Permute: gather the routed rows of the local experts out of the gathered tokens.
        prev = g.compute(0, MAIN, "permute", Category.MEMORY, cost.memory().timeNs(MemoryOp.PERMUTE,
                (long) (2 * d.localRows * d.h * d.inBytes), d.sms), 0, prev);
        int layer0 = g.compute(0, MAIN, "expert-fc1", Category.GEMM,
                cost.gemm().groupedTimeNs(d.groupRows, d.up, d.h, d.type, d.sms), fc1Flops(d), prev);
        int act = activation(g, d, cost, layer0);
        prev = g.compute(0, MAIN, "expert-fc2", Category.GEMM,
                cost.gemm().groupedTimeNs(d.groupRows, d.h, d.width, d.type, d.sms), fc2Flops(d), act);
        // Un-permute with the top-k weighted sum: read every routed row, write one partial row per token.
        prev = g.compute(0, MAIN, "topk-reduce", Category.MEMORY, cost.memory().timeNs(MemoryOp.UNPERMUTE,
                (long) ((d.localRows + d.tokens) * d.h * OUT_BYTES), d.sms), 0, prev);
        if (d.world > 1) {
            long rs = cost.collectives().estimate(Collective.REDUCE_SCATTER, d.group, (long) (d.tokens * d.h * OUT_BYTES),
                    CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS).timeNs();
            prev = g.communication("reduce-scatter", d.ep > 1 ? Category.EP_COMM : Category.TP_COMM)
                    .participant(0, MAIN).latencyNs(rs).add(prev);
        }
        return result(g, listener, 1, 0, router, layer0, act, prev);
    }

    /** Comet/Flux: the two kernels as {@code src/moe_ag_scatter} and {@code src/moe_gather_rs} run them. */
    private static MoeLayerResult flux(Scenario sc, Dims d, CostModel cost, SimulationListener listener) {
        TaskGraph.Builder g = TaskGraph.builder(new Topology(1, 1, d.sms, 1, 1, 1));
        int router = router(g, d, cost);
        int layer0 = fluxLayer0(g, d, cost, router);
        int act = activation(g, d, cost, layer0);
        int c = gatherRsCtas(sc, d);
        int splits = splits(d.h);
        int layer1 = fluxLayer1(g, d, cost, act, c, splits);
        return result(g, listener, splits, c, router, layer0, act, layer1);
    }

    private static int fluxLayer0(TaskGraph.Builder g, Dims d, CostModel cost, int dep) {
        Category comm = d.ep > 1 ? Category.EP_COMM : Category.TP_COMM;
        // The local shard into the symmetric buffer (a device-to-device copy: read + write), then the barrier.
        int copy = g.compute(0, MAIN, "layer0 local copy", Category.MEMORY,
                cost.memory().timeNs(MemoryOp.ELEMENTWISE, (long) (2 * d.local * d.h * d.inBytes), d.sms), 0, dep);
        int barrier = g.communication("layer0 barrier", comm).participant(0, MAIN).latencyNs(d.barrierNs).add(copy);
        // Copy-engine pulls of the peer shards, one after the other, holding no SMs.
        long agNs = cost.collectives().estimate(Collective.ALL_GATHER, d.group, d.allGatherBytes(),
                CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS).timeNs();
        int[] pulled = new int[d.world];
        pulled[0] = barrier;
        for (int r = 1; r < d.world; r++) {
            pulled[r] = g.communication("layer0 pull peer " + r, comm).participant(0, SIDE)
                    .latencyNs(agNs / (d.world - 1)).add(pulled[r - 1]);
        }
        // Gather indices and their sort, the device-to-host copy and the host's launch of the GEMM.
        int index = g.compute(0, MAIN, "layer0 gather index", Category.MEMORY, cost.memory().timeNs(MemoryOp.PERMUTE,
                (long) (4 * d.tokens * d.l.topK() * INDEX_BYTES), d.sms), 0, barrier);
        int prev = g.host(0, MAIN, "layer0 host sync + launch", cost.kernelLaunchNs(), index);
        // The grouped GEMM on all SMs, its problems in the order their last source shard arrives; HBM carries
        // the GEMM's own traffic and the copy engines' writes of the peer shards.
        long gemmNs = cost.gemm().groupedTimeNs(d.groupRows, d.up, d.h, d.type, d.sms);
        double gemmBytes = (d.localRows * d.h + (double) d.localExperts * d.up * d.h) * d.inBytes
                + d.localRows * d.up * OUT_BYTES;
        double pulledBytes = d.allGatherBytes() * (d.world - 1.0) / d.world;
        double[] ready = layer0ReadyFractions(d.rowsPerExpert / d.world, d.world, (long) FLUX_PROBLEM_TILES * FLUX_AG_TILE_M);
        for (int r = 0; r < d.world; r++) {
            if (ready[r] <= 0) {
                continue;
            }
            long ns = Math.max(Math.round(gemmNs * ready[r]), hbmNs(cost, (gemmBytes + pulledBytes) * ready[r], d.sms));
            prev = g.compute(0, MAIN, "expert-fc1 (needs peer " + r + ")", Category.GEMM, ns, fc1Flops(d) * ready[r],
                    r == 0 ? new int[]{prev} : new int[]{prev, pulled[r]});
        }
        // The main stream waits for the copy stream, then a group barrier.
        return g.communication("layer0 end barrier", comm).participant(0, MAIN).latencyNs(d.barrierNs)
                .add(prev, pulled[d.world - 1]);
    }

    private static int fluxLayer1(TaskGraph.Builder g, Dims d, CostModel cost, int dep, int c, int splits) {
        Category comm = d.ep > 1 ? Category.EP_COMM : Category.TP_COMM;
        int gemmSms = d.sms - c;
        long gemmNs = cost.gemm().groupedTimeNs(d.groupRows, d.h, d.width, d.type, gemmSms);
        // Per split: the GEMM's traffic (its input rows, the weight slice, the output slice) and, concurrently,
        // the communication blocks' reads of the top-k rows plus the peers' stores arriving in this GPU's buffer.
        double gemmBytes = ((d.localRows * d.width + (double) d.localExperts * d.h * d.width) * d.inBytes
                + d.localRows * d.h * OUT_BYTES) / splits;
        double topkReadBytes = d.localRows * d.h * OUT_BYTES / splits;
        double sentBytes = (double) d.reduceScatterBytes() / splits;
        double arrivingBytes = sentBytes * (d.world - 1.0) / d.world;
        long splitNs = Math.max(gemmNs / splits, hbmNs(cost, gemmBytes + topkReadBytes + arrivingBytes, gemmSms));
        long rsNs = rsSplitNs(d, cost, c, splits, topkReadBytes, sentBytes);
        long lastRsNs = rsSplitNs(d, cost, gemmSms, splits, topkReadBytes, sentBytes);
        int prevGemm = dep;
        int prevRs = -1;
        for (int s = 0; s < splits; s++) {
            prevGemm = g.compute(0, MAIN, "expert-fc2 split " + s, Category.GEMM, splitNs, fc2Flops(d) / splits, prevGemm);
            boolean last = s == splits - 1;
            TaskGraph.Communication rs = g.communication("layer1 top-k reduce-scatter split " + s
                    + (last ? " (GEMM blocks)" : ""), comm).participant(0, SIDE).latencyNs(last ? lastRsNs : rsNs);
            prevRs = prevRs < 0 ? rs.add(prevGemm) : rs.add(prevGemm, prevRs);
        }
        int barrier = g.communication("layer1 end barrier", comm).participant(0, MAIN).latencyNs(d.barrierNs)
                .add(prevGemm, prevRs);
        // Sum of the W partial buffers: read one partial row per token that has one, write this GPU's tokens.
        return g.compute(0, MAIN, "layer1 partial-sum", Category.MEMORY, cost.memory().timeNs(MemoryOp.ELEMENTWISE,
                (long) (d.reduceScatterBytes() + d.local * d.h * OUT_BYTES), d.sms), 0, barrier);
    }

    /**
     * One split's top-k reduce-scatter by {@code sms} SMs: {@code 1/S} of a reduce-scatter of the partial rows
     * those SMs drive, and no less than their reading the top-k rows and writing the sums (an un-permute-like
     * gather of rows).
     */
    private static long rsSplitNs(Dims d, CostModel cost, int sms, int splits, double readBytes, double sentBytes) {
        long net = cost.collectives().estimate(Collective.REDUCE_SCATTER, d.group, d.reduceScatterBytes(),
                CollectiveAlgorithm.AUTO, sms).timeNs() / splits;
        long mem = cost.memory().timeNs(MemoryOp.UNPERMUTE, (long) (readBytes + sentBytes), sms);
        return Math.max(net, mem);
    }

    private static MoeLayerResult result(TaskGraph.Builder g, SimulationListener listener, int chunks, int commSms,
                                         int router, int layer0, int activation, int layer1) {
        SimulationResult sim = Simulator.run(g.build(), listener);
        double total = sim.makespanNs() / 1e6;
        double compute = sim.computeBusyNs(0) / 1e6;
        double routerEnd = sim.endNs(router) / 1e6;
        double layer0End = sim.endNs(layer0) / 1e6;
        double actEnd = sim.endNs(activation) / 1e6;
        double layer1End = sim.endNs(layer1) / 1e6;
        return new MoeLayerResult(total, Math.max(0, total - compute), compute, chunks, commSms, routerEnd,
                layer0End - routerEnd, actEnd - layer0End, layer1End - actEnd, sim);
    }
}
