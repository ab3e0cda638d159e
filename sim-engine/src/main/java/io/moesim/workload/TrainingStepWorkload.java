package io.moesim.workload;

import io.moesim.accounting.MegatronFlops;
import io.moesim.accounting.ParameterAccounting;
import io.moesim.accounting.ParameterCounts;
import io.moesim.cost.AttentionShape;
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
import io.moesim.layout.RankLayout;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import io.moesim.scenario.CrossEntropyFusion;
import io.moesim.scenario.DataType;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.DispatchSpec;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code training-step} workload (first version): one training step of one pipeline — one GPU per
 * stage, the data-parallel replicas being symmetric — on the engine, with every per-layer operation
 * priced by the cost model and the parallel groups placed on nodes by {@link RankLayout}.
 *
 * <h2>Per layer and micro-batch</h2>
 * With {@code T = b·s/cp} tokens of one micro-batch on a pipeline rank (Megatron sequence parallelism
 * shards them by {@code tp} outside the tensor-parallel regions):
 * <ul>
 *   <li>attention: RMSNorm, TP all-gather, QKV (or MLA down/up) projections on {@code T} tokens with the
 *       output features split by {@code tp}, FlashAttention on {@code heads/tp} heads (divided by
 *       {@code cp}), output projection, TP reduce-scatter, residual add;</li>
 *   <li>MoE: RMSNorm, router GEMM and top-k, permute, dispatch over the expert-parallel group (all-to-all;
 *       DeepEP: hierarchical with its SMs; all-gather dispatcher: all-gather), grouped expert GEMMs with
 *       the busiest rank's per-expert token counts, activation, combine, unpermute, shared experts with TP;</li>
 *   <li>dense FFN: TP all-gather, fc1, activation, fc2, TP reduce-scatter;</li>
 *   <li>backward: every GEMM twice (dgrad and wgrad), FlashAttention backward, the same communication;
 *       recompute {@code selective} repeats norms and activations (Megatron-MoE-ModelZoo's
 *       {@code layernorm moe_act}), {@code full} repeats the whole forward.</li>
 * </ul>
 * Embedding on the first virtual stage, logits and loss on the last, followed there by the MTP modules
 * (projection, one layer, their own logits). Micro-batches follow Megatron's
 * (interleaved) 1F1B order on each stage; activations move between stages as transfers. Gradients are
 * reduce-scattered over the data(-context)-parallel group (dense) and the expert-data-parallel group
 * (experts) as each chunk's last backward ends, on their own stream and overlapping the remaining
 * backward; then the optimizer step. Parameter all-gather is assumed overlapped with the next step's
 * forward (Megatron's {@code --overlap-param-gather}).
 *
 * <h2>Not yet modelled</h2>
 * Padding to capacity, and
 * communication that holds SMs while it overlaps (only the overlapped EP exchange and gradient
 * reduction do). With {@code strategy.a2aOverlap}, steady-state forward/backward pairs run interleaved
 * with their expert-parallel exchange on a separate stream (Megatron-Core's 1F1B all-to-all overlap).
 */
public final class TrainingStepWorkload {
    /**
     * SMs Megatron-Core gives DeepEP when the scenario does not set {@code strategy.commSms}: its
     * {@code --moe-deepep-num-sms} default, 20 (Megatron-Core MoE docs, "Tuning Parameters"; the
     * Megatron-MoE-ModelZoo's Qwen3 H100 runs leave it at the default). DeepEP's own default, 24, applies to
     * the stand-alone {@code dispatch} workload.
     */
    static final int MEGATRON_DEEPEP_SMS = 20;
    /** SMs an NCCL gradient reduce-scatter holds while it overlaps compute (assumption: 16 channels). */
    static final int DP_COMM_SMS = 16;
    /** Adam step traffic per parameter of the local shard: read fp32 param, grad, two moments; write param, moments, bf16 copy. */
    static final int OPTIMIZER_BYTES_PER_PARAM = 34;
    /**
     * Streams: 0 compute (and blocking collectives), 3 data-parallel traffic (gradient reduction; FSDP
     * parameter all-gathers and gradient reduce-scatters), 4 overlapped EP exchange, and one stream per
     * pipeline direction and side, so a stage's receives never queue behind its sends (Megatron posts them as
     * separate, batched isend/irecv operations).
     */
    static final int DP_STREAM = 3;
    /** Names of the FSDP markers {@link Builder#sequence} places around each layer (see {@link Builder#emitSequence}). */
    static final String FSDP_GATHER = "fsdp-allgather";
    static final String FSDP_REDUCE = "fsdp-reducescatter";
    /** Name of the data-parallel gradient reduce-scatter (per layer in the last micro-batch, or per chunk). */
    static final String GRAD_REDUCE = "grad-reducescatter";
    /**
     * The all-to-all dispatcher's token counting ({@code MoEAlltoAllTokenDispatcher.preprocess}: tokens per expert,
     * split sizes, their copies to the host) and the all-gather of the counts over the EP group; forward only.
     */
    static final String EP_PREPROCESS = "ep-preprocess";
    static final String EP_COUNT_ALLGATHER = "ep-count-allgather";
    /**
     * Megatron-Core's DeepEP path (1e057005, {@code _DeepepManager._indices_to_multihot}) turns the received tokens'
     * expert indices into a routing map of the local experts with unfused PyTorch ops, after the dispatch.
     */
    static final String EP_MULTIHOT = "ep-multihot";
    /** Host task that launches a pipeline chunk's send and receive ({@link Builder#launchP2p}). */
    static final String P2P_LAUNCH = "p2p launch";
    /**
     * Bytes per gradient element in the distributed optimizer's data-parallel reduction: Megatron-LM reduces
     * BF16 training's gradients in FP32 unless {@code --grad-reduce-in-bf16} is set
     * ({@code accumulate_allreduce_grads_in_fp32}, forced on for bf16 in {@code megatron/training/arguments.py}).
     */
    static final int GRAD_BYTES = 4;
    /**
     * Bytes per gradient element under FSDP: the Megatron-FSDP user guide's recommended configuration includes
     * {@code --grad-reduce-in-bf16} (docs/discussions/megatron-fsdp-user-guide); an assumption, as the runs'
     * flags are not all published.
     */
    static final int FSDP_GRAD_BYTES = 2;
    static final int FWD_SEND = 5;
    static final int FWD_RECV = 6;
    static final int BWD_SEND = 7;
    static final int BWD_RECV = 8;
    /** The stage's host thread (Python and the PyTorch dispatcher launching kernels); see {@link FrameworkHost}. */
    static final int HOST = 9;

    private TrainingStepWorkload() {
    }

    /** Side streams Transformer Engine spreads a grouped GEMM's per-expert cuBLAS GEMMs over (see expertGemmNs). */
    static final int TE_GEMM_STREAMS = 4;

    /**
     * Per-expert GEMMs on {@value #TE_GEMM_STREAMS} streams (Transformer Engine's {@code GroupedLinear}): each run of
     * that many consecutive experts is one grouped GEMM of the cost model, runs back to back; runs without rows
     * cost nothing.
     */
    static long teGroupedGemmNs(io.moesim.cost.GemmCostModel gemm, long[] rows, long n, long k, DataType type, int sms) {
        long total = 0;
        for (int i = 0; i < rows.length; i += TE_GEMM_STREAMS) {
            long[] run = java.util.Arrays.copyOfRange(rows, i, Math.min(rows.length, i + TE_GEMM_STREAMS));
            if (java.util.Arrays.stream(run).anyMatch(r -> r > 0)) {
                total += gemm.groupedTimeNs(run, n, k, type, sms);
            }
        }
        return total;
    }

    /**
     * A step of work on the compute stream: a kernel or a blocking collective, with the host time to launch
     * it, whether the host waits for the GPU before launching it, and how many kernels it is (each costs the
     * GPU {@link FrameworkHost#GPU_GAP_NS} between kernels; 0 when the framework is not modelled). Of the host
     * time, {@code hookNs} is the DDP forward pre-hooks' share, which the op's backward does not repeat.
     */
    private record Op(String name, Category category, long ns, double flops, boolean comm, long hostNs, boolean sync,
                      long dgradNs, long wgradNs, int kernels, long hookNs) {
        Op(String name, Category category, long ns, double flops, boolean comm, long hostNs, boolean sync,
           long dgradNs, long wgradNs) {
            this(name, category, ns, flops, comm, hostNs, sync, dgradNs, wgradNs, 0, 0);
        }

        Op(String name, Category category, long ns, double flops, boolean comm, long hostNs, boolean sync) {
            this(name, category, ns, flops, comm, hostNs, sync, ns, ns);
        }

        Op withKernels(int count) {
            return new Op(name, category, ns, flops, comm, hostNs, sync, dgradNs, wgradNs, count, hookNs);
        }

        /** GPU time on its stream: the work plus the gaps between its kernels. */
        long gpuNs() {
            return ns + kernels * FrameworkHost.GPU_GAP_NS;
        }

        /** Host time to launch the op's own kernels, without the DDP pre-hooks. */
        long launchNs() {
            return hostNs - hookNs;
        }

        Op(String name, Category category, long ns, double flops, boolean comm) {
            this(name, category, ns, flops, comm, 0, false);
        }

        Op withHost(long launchNs, boolean waits) {
            return new Op(name, category, ns, flops, comm, launchNs, waits, dgradNs, wgradNs, kernels, 0);
        }

        /** The host time with {@code preHookNs} of DDP forward pre-hooks on top of the launches. */
        Op withHost(long launchNs, long preHookNs, boolean waits) {
            return new Op(name, category, ns, flops, comm, launchNs + preHookNs, waits, dgradNs, wgradNs, kernels,
                    preHookNs);
        }

        Op withName(String newName) {
            return new Op(newName, category, ns, flops, comm, hostNs, sync, dgradNs, wgradNs, kernels, hookNs);
        }
    }


    private static final class Builder {
        private final Scenario sc;
        private final CostModel cost;
        private final ModelSpec model;
        private final ParallelLayout p;
        private final RankLayout ranks;
        private final int gpus;
        private final int sms;
        private final DataType gemmType;
        private final int b;
        private final int s;
        private final long tokens;
        private final long spTokens;
        private final int microBatches;
        private double imbalanceSum;
        private int moeLayerCount;
        private final RankLoads rankLoads = new RankLoads();
        private final ExpertLoads loads;
        private final FrameworkHost host;
        /** Backward GEMMs of the output layer (set by {@link #run}). */
        private long logitsDgradNs;
        private long logitsWgradNs;
        /** The loss's ops on the last stage after the output layer, forward and backward (set by {@link #run}). */
        private List<Op> lossForward;
        private List<Op> lossBackward;
        /** The same cross entropy over a multi-token-prediction module's logits, without the NaN check. */
        private List<Op> mtpLossForward;
        private List<Op> mtpLossBackward;
        /**
         * Before the output layer, forward and backward (set by {@link #run}): the final norm, and with sequence
         * parallelism the all-gather of the hidden states that the column-parallel output layer needs
         * (reduce-scatter of their gradient in the backward).
         */
        private List<Op> headForward;
        private List<Op> headBackward;
        /**
         * After the vocabulary-parallel embedding, with sequence parallelism: the reduce-scatter of its partial sums
         * into sequence shards ({@code reduce_scatter_to_sequence_parallel_region} in Megatron's
         * {@code LanguageModelEmbedding}); in the backward the all-gather of the gradient. Empty without TP.
         */
        private List<Op> embeddingScatter;
        private List<Op> embeddingGather;
        /** For the host-bound idle time: (GPU task, its host task, the GPU task before it on the stage) triples. */
        private final Triples launched = new Triples();
        /** Launch time on each stage's host thread not yet emitted as a host task (see {@link #launch}). */
        private long[] hostCarryNs;
        /**
         * Per layer (MTP layers included; index {@code layers + mtp} is the embedding and the one after it the
         * output head): the time of the all-gather of its parameter shards under FSDP / ZeRO-3
         * ({@link #fsdpSimulated}; null otherwise), and of the reduce-scatter of its gradients (null when
         * gradients are reduced per chunk, see {@link #initLayerTraffic}).
         */
        private long[] fsdpGatherNs;
        private long[] gradReduceNs;
        /** Per-layer gradient reduce-scatters emitted per stage (the optimizer step waits for them). */
        private List<List<Integer>> gradReduces;
        /** Virtual stages whose gradients were reduce-scattered layer by layer (no per-chunk reduction). */
        private boolean[] layerReduced;
        /**
         * Whether each span keeps its op's category (the default, for traces and the timeline); off, consecutive
         * compute ops merge across categories into fewer tasks with the same timing, for evaluations that only
         * need the metrics ({@link TrainingStepWorkload#evaluate}).
         */
        private boolean spansByCategory = true;
        /** A task the next GPU task of {@link #emitSequence} must also wait for (an FSDP all-gather), or −1. */
        private int gateTask = -1;
        /** The gate {@link #gated} consumed last, for {@link #noteGate}. */
        private int consumedGate = -1;
        /** (GPU task, FSDP all-gather it waited for, the GPU task before it) triples, for the exposed FSDP wait. */
        private final Triples gates = new Triples();

        Builder(Scenario sc, CostModel cost) {
            this(sc, cost, true);
        }

        Builder(Scenario sc, CostModel cost, boolean hostOverhead) {
            this.sc = sc;
            this.cost = cost;
            this.model = sc.model();
            this.p = sc.parallel();
            this.gpus = sc.cluster().gpuCount();
            this.ranks = new RankLayout(p, gpus, sc.cluster().gpusPerNode());
            this.sms = cost.smCount();
            this.gemmType = sc.precision() == Precision.FP8 ? DataType.FP8 : DataType.BF16;
            this.b = sc.batch().microBatch();
            this.s = sc.batch().seqLen();
            this.tokens = (long) b * s / p.cp();
            this.spTokens = Math.max(1, tokens / p.tp());
            this.microBatches = sc.batch().globalBatch() / (b * ranks.dp());
            this.loads = new ExpertLoads(sc, spTokens);
            this.host = new FrameworkHost(model, model.isMoe() ? model.moe().experts() / p.ep() : 0, hostOverhead,
                    Math.round(sc.strategy().knobs().hostLaunchUs() * 1e3), sc.strategy().knobs().crossEntropyFusion(),
                    sc.moe().dispatcher(), megatronDdp(sc), megatronDdp(sc) && p.zeroStage() >= 1,
                    sc.strategy().name().equals("dualpipe") ? RouterKernels.generic()
                            : RouterKernels.megatron(sc.moe().routing().kind() == RoutingKind.BALANCED, p.tp() * p.cp()),
                    !sc.strategy().name().equals("dualpipe"));
        }

        /**
         * Whether the data-parallel wrapper is Megatron-Core's {@code DistributedDataParallel}, whose per-module and
         * per-parameter hooks {@link FrameworkHost} prices: not with FSDP / ZeRO-3 (Megatron-FSDP's hooks differ) and not
         * in DeepSeek's framework ({@code dualpipe}).
         */
        private static boolean megatronDdp(Scenario sc) {
            ParallelLayout p = sc.parallel();
            return !p.fsdp() && p.zeroStage() < 3 && !sc.strategy().name().equals("dualpipe");
        }

        /** The forward ops with their host launch times and synchronisations. */
        private List<Op> hosted(List<Op> forward) {
            List<Op> out = new ArrayList<>(forward.size());
            for (Op o : forward) {
                out.add(o.withHost(host.forwardNs(o.name()), host.preHookNs(o.name()), host.syncsBefore(o.name()))
                        .withKernels(host.forwardKernels(o.name())));
            }
            return out;
        }

        private Op hostedOp(String name, Category category, long ns, double flops, long hostNs) {
            int kernels = host.enabled() && hostNs > 0
                    ? (int) Math.max(1, Math.round(hostNs / (double) host.nsPerLaunch())) : 0;
            return new Op(name, category, ns, flops, false, hostNs, false).withKernels(kernels);
        }

        private long gemm(long m, long n, long k) {
            return m <= 0 || n <= 0 || k <= 0 ? 0 : cost.gemm().timeNs(m, n, k, gemmType, sms);
        }

        private long memory(MemoryOp op, double bytes) {
            return cost.memory().timeNs(op, (long) bytes, sms);
        }

        /**
         * A GEMM op {@code y[m×n] = x[m×k]·w[k×n]} with its backward priced by shape: the data gradient
         * {@code dx = dy·wᵀ} is an {@code m×k} GEMM reducing over {@code n}; the weight gradient {@code dw = xᵀ·dy}
         * a {@code k×n} GEMM reducing over the {@code m} tokens, accumulated into the FP32 main gradient
         * ({@link #accumulateNs}).
         */
        private Op gemmOp(String name, long m, long n, long k) {
            return new Op(name, Category.GEMM, gemm(m, n, k) + fp8CastNs(m * (double) k), 2.0 * m * n * k, false, 0, false,
                    gemm(m, k, n) + fp8CastNs(m * (double) n), gemm(k, n, m) + accumulateNs(k * (double) n));
        }

        /**
         * FP8 training quantizes every GEMM input on the fly (Transformer Engine's block-wise recipe, DeepSeek-V3's
         * fine-grained scaling): the forward casts the activation {@code x} and the backward the output gradient
         * {@code dy}, each into a row-wise and a column-wise (transposed, for the weight gradient) FP8 copy —
         * read 2 bytes, write 2 per element — a streaming kernel. Weights are cast once per step and cached
         * (not charged). Zero in BF16.
         */
        private long fp8CastNs(double elements) {
            return gemmType != DataType.FP8 || elements <= 0 ? 0 : memory(MemoryOp.ELEMENTWISE, elements * 4);
        }

        /**
         * Megatron's gradient-accumulation fusion: the weight-gradient GEMM adds into the FP32 main gradient, so
         * its epilogue reads and writes 4 bytes per weight element (8 in all) on top of the GEMM.
         */
        private long accumulateNs(double weights) {
            return weights <= 0 ? 0 : memory(MemoryOp.ELEMENTWISE, weights * 8);
        }

        private long collective(Collective op, int[] group, double bytes, CollectiveAlgorithm alg, int commSms) {
            if (group.length < 2 || bytes <= 0) {
                return 0;
            }
            CommGroup g = ranks.placement(group);
            return cost.collectives().estimate(op, g, (long) bytes, alg, commSms).timeNs();
        }

        // ---- layer costs ----------------------------------------------------------------------

        /** The MLA up-projections as one recomputed op (set by {@link #attentionForward}; null for GQA). */
        private Op mlaUpProj;

        private List<Op> attentionForward() {
            List<Op> ops = new ArrayList<>();
            int h = model.hidden();
            int tp = p.tp();
            int[] tpGroup = ranks.tpGroup(0);
            double actBytes = tokens * (double) h * 2;
            ops.add(new Op("attn-norm", Category.MEMORY, memory(MemoryOp.NORM, spTokens * h * 2.0 * 2), 0, false));
            ops.add(new Op("tp-allgather", Category.TP_COMM, collective(Collective.ALL_GATHER, tpGroup, actBytes,
                    CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS), 0, true));
            long proj;
            double projFlops;
            long projD;
            long projW;
            int heads;
            int kvHeads;
            int qk;
            int v;
            if (model.attention() instanceof GroupedQueryAttention gqa) {
                heads = gqa.heads();
                kvHeads = gqa.kvHeads();
                qk = gqa.headDim();
                v = gqa.headDim();
                long qkv = (long) (heads + 2L * kvHeads) * gqa.headDim() / tp;
                Op qkvOp = gemmOp("qkv-proj", tokens, qkv, h);
                proj = qkvOp.ns();
                projFlops = qkvOp.flops();
                projD = qkvOp.dgradNs();
                projW = qkvOp.wgradNs();
            } else {
                MultiLatentAttention mla = (MultiLatentAttention) model.attention();
                heads = mla.heads();
                kvHeads = mla.heads();
                qk = mla.qkNopeHeadDim() + mla.qkRopeHeadDim();
                v = mla.vHeadDim();
                long qUp = (long) heads * qk / tp;
                long kvUp = (long) heads * (mla.qkNopeHeadDim() + v) / tp;
                long kvDown = mla.kvLoraRank() + mla.qkRopeHeadDim();
                // (n, k, 1 for an up-projection from a latent) of each projection GEMM over the tokens
                List<long[]> parts = new ArrayList<>();
                if (mla.hasQueryLora()) {
                    parts.add(new long[]{mla.qLoraRank(), h, 0});
                    parts.add(new long[]{qUp, mla.qLoraRank(), 1});
                } else {
                    parts.add(new long[]{qUp, h, 0});
                }
                parts.add(new long[]{kvDown, h, 0});
                parts.add(new long[]{kvUp, mla.kvLoraRank(), 1});
                proj = 0;
                projFlops = 0;
                projD = 0;
                projW = 0;
                long upNs = 0;
                double upFlops = 0;
                int upKernels = 0;
                for (long[] nk : parts) {
                    Op part = gemmOp("part", tokens, nk[0], nk[1]);
                    proj += part.ns();
                    projFlops += part.flops();
                    projD += part.dgradNs();
                    projW += part.wgradNs();
                    if (nk[2] == 1) {
                        upNs += part.ns();
                        upFlops += part.flops();
                        upKernels++;
                    }
                }
                // Selective recompute of mla_up_proj re-runs the query and key/value up-projections.
                int kernels = host.enabled() ? upKernels : 0;
                mlaUpProj = new Op("recompute-mla-up-proj", Category.GEMM, upNs, upFlops, false,
                        kernels * host.nsPerLaunch(), false).withKernels(kernels);
            }
            ops.add(new Op("qkv-proj", Category.GEMM, proj, projFlops, false, 0, false, projD, projW));
            AttentionShape shape = AttentionShape.selfAttention(b, s, Math.max(1, heads / tp), Math.max(1, kvHeads / tp),
                    qk, v, true, DataType.BF16);
            long flashNs = cost.attention().forwardNs(shape, sms) / p.cp();
            ops.add(new Op("flash-attn", Category.ATTENTION, flashNs, shape.forwardFlops() / p.cp(), false));
            if (p.cp() > 1) {
                // Ring attention (Megatron's context parallelism): cp-1 steps, each passing this rank's K and V
                // block to its neighbour, overlapped with the attention of the block in hand; only the part of
                // the exchange that outlasts the attention is exposed.
                long kvBytes = (long) b * (s / p.cp()) * 2L * Math.max(1, kvHeads / tp) * qk * 2;
                int[] cpGroup = ranks.cpGroup(0);
                long step = cost.collectives().estimate(Collective.SEND_RECV, ranks.placement(cpGroup), kvBytes,
                        CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS).timeNs();
                long exposed = Math.max(0, (p.cp() - 1) * step - flashNs);
                ops.add(new Op("cp-ring", Category.CP_COMM, exposed, 0, true));
            }
            long outK = (long) heads * v / tp;
            ops.add(gemmOp("out-proj", tokens, h, outK));
            ops.add(new Op("tp-reducescatter", Category.TP_COMM, collective(Collective.REDUCE_SCATTER, tpGroup, actBytes,
                    CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS), 0, true));
            ops.add(new Op("residual", Category.MEMORY, memory(MemoryOp.ELEMENTWISE, spTokens * h * 2.0 * 3), 0, false));
            return ops;
        }

        private List<Op> denseFfnForward(long ffn) {
            List<Op> ops = new ArrayList<>();
            int h = model.hidden();
            int tp = p.tp();
            int[] tpGroup = ranks.tpGroup(0);
            double actBytes = tokens * (double) h * 2;
            long up = ffn * (model.activation().gated() ? 2 : 1) / tp;
            ops.add(new Op("mlp-norm", Category.MEMORY, memory(MemoryOp.NORM, spTokens * h * 2.0 * 2), 0, false));
            ops.add(new Op("tp-allgather", Category.TP_COMM, collective(Collective.ALL_GATHER, tpGroup, actBytes,
                    CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS), 0, true));
            ops.add(gemmOp("fc1", tokens, up, h));
            ops.add(new Op("act", Category.MEMORY, memory(MemoryOp.ACTIVATION, tokens * (up + ffn / tp) * 2.0), 0, false));
            ops.add(gemmOp("fc2", tokens, h, ffn / tp));
            ops.add(new Op("tp-reducescatter", Category.TP_COMM, collective(Collective.REDUCE_SCATTER, tpGroup, actBytes,
                    CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS), 0, true));
            return ops;
        }

        private List<Op> moeForward(int layer) {
            MoeSpec moe = model.moe();
            io.moesim.scenario.StrategyKnobs knobs = sc.strategy().knobs();
            List<Op> ops = new ArrayList<>();
            int h = model.hidden();
            int ep = p.ep();
            int etp = p.etp();
            int local = moe.experts() / ep;
            ops.add(new Op("moe-norm", Category.MEMORY, memory(MemoryOp.NORM, spTokens * h * 2.0 * 2), 0, false));
            ops.add(gemmOp("router", spTokens, moe.experts(), h));
            ops.add(new Op("topk", Category.MEMORY, memory(MemoryOp.ROUTER_TOPK, spTokens * moe.experts() * 4.0 * 2), 0, false));
            double routedTokens = spTokens * (double) moe.topK();
            int[] epGroup = ranks.epGroup(0);
            if (sc.moe().dispatcher() == Dispatcher.ALLTOALL && epGroup.length > 1) {
                // Megatron's all-to-all dispatcher counts the tokens per expert and all-gathers the counts over
                // the EP group for the all-to-all's split sizes (forward only: no gradient)
                ops.add(new Op(EP_PREPROCESS, Category.MEMORY,
                        memory(MemoryOp.ELEMENTWISE, spTokens * (double) moe.experts()), 0, false));
                ops.add(new Op(EP_COUNT_ALLGATHER, Category.EP_COMM, collective(Collective.ALL_GATHER, epGroup,
                        8.0 * moe.experts() * epGroup.length, CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS), 0,
                        true));
            }
            ops.add(new Op("permute", Category.MEMORY, memory(MemoryOp.PERMUTE, routedTokens * h * 2.0 * 2), 0, false));

            double[] counts = loads.counts(layer);
            double total = 0;
            for (double c : counts) {
                total += c;
            }
            // FasterMoE shadowing: the hottest experts are replicated on every rank; their tokens stay local.
            boolean sharded = knobs.fullyShardedExperts();
            boolean[] hot = ExpertLoads.hotExperts(counts, sharded ? 0 : knobs.replicateHotExperts());
            double hotTokens = 0;
            int hotCount = 0;
            for (int e = 0; e < counts.length; e++) {
                if (hot[e]) {
                    hotTokens += counts[e];
                    hotCount++;
                }
            }
            double stayFraction = total == 0 ? 0 : hotTokens / total;
            ExpertLoads.Placement placement = sharded
                    ? ExpertLoads.shardedPlacement(counts, ep, local, knobs.rematerializeSlots(), etp)
                    : ExpertLoads.staticPlacement(counts, hot, ep, local, etp);
            rankLoads.add(placement.rankTokens(), total / ep);
            long[] rows = placement.busiestRows();
            double load = 0;
            for (long r : rows) {
                load += r;
            }
            double meanLoad = routedTokens * etp;
            double imbalance = meanLoad == 0 ? 1 : Math.max(1, load / meanLoad);
            imbalanceSum += imbalance;
            moeLayerCount++;
            if (hotCount > 0) {
                long expertBytes = 2L * (model.activation().gated() ? 3 : 2) * h * moe.expertFfn() / etp;
                ops.add(new Op("shadow-broadcast", Category.EP_COMM, collective(Collective.ALL_GATHER, ranks.epGroup(0),
                        (double) hotCount * expertBytes, CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS), 0, true));
            }
            int bytesPerElement = sc.precision() == Precision.FP8 ? 1 : 2;
            // Locality-aware placement (speculative MoE) keeps a share of the traffic on the rank.
            double travelling = spTokens * (1 - stayFraction) * (1 - knobs.localTrafficFraction());
            long dispatch = exchange(travelling, (double) h * bytesPerElement, imbalance);
            if (sc.moe().dispatcher() == Dispatcher.ALLTOALL) {
                // a second all-to-all carries each routed copy's FP32 routing probability
                dispatch += exchange(travelling, 4.0, imbalance);
            }
            long combine = exchange(travelling, h * 2.0, imbalance);

            long ffnPerRank = moe.expertFfn() / etp;
            long up = ffnPerRank * (model.activation().gated() ? 2 : 1);
            List<Op> shared = new ArrayList<>();
            long sharedFc1 = 0;
            long sharedFc2 = 0;
            if (moe.sharedFfnTotal() > 0) {
                for (Op o : denseFfnForward(moe.sharedFfnTotal())) {
                    if (!o.name().equals("mlp-norm")) {
                        shared.add(new Op("shared-" + o.name(), o.category(), o.ns(), o.flops(), o.comm(), 0, false,
                                o.dgradNs(), o.wgradNs()));
                        sharedFc1 += o.name().equals("fc1") ? o.ns() : 0;
                        sharedFc2 += o.name().equals("fc2") ? o.ns() : 0;
                    }
                }
            }
            // Pipelining (Tutel): d chunks of dispatch -> experts -> combine overlap on the compute and
            // communication streams: D + E + C + (d - 1) * max(D + C, E) with per-chunk times.
            int[] degrees = knobs.pipelineDegree() == 0 ? new int[]{1, 2, 4, 8} : new int[]{knobs.pipelineDegree()};
            long bestTotal = Long.MAX_VALUE;
            long[] best = null;
            for (int d : degrees) {
                long[] chunkRows = new long[rows.length];
                boolean any = false;
                for (int i = 0; i < rows.length; i++) {
                    chunkRows[i] = (rows[i] + d - 1) / d;
                    any |= chunkRows[i] > 0;
                }
                long fc1 = any ? expertGemmNs(chunkRows, up, h, gemmType) : 0;
                long fc2 = any ? expertGemmNs(chunkRows, h, ffnPerRank, gemmType) : 0;
                long act = memory(MemoryOp.ACTIVATION, load / d * (up + ffnPerRank) * 2.0);
                long dChunk = dispatch / d;
                long cChunk = combine / d;
                long eChunk = fc1 + fc2 + act;
                long t = dChunk + eChunk + cChunk + (d - 1) * Math.max(dChunk + cChunk, eChunk);
                if (t < bestTotal) {
                    bestTotal = t;
                    best = new long[]{d, fc1 * d, act * d, fc2 * d, dChunk, cChunk, t - dChunk - cChunk - d * eChunk};
                }
            }
            long dExposed = best[4];
            long cExposed = best[5];
            if (knobs.sharedExpertOverlap()) {
                dExposed = Math.max(0, dExposed - sharedFc1);
                cExposed = Math.max(0, cExposed - sharedFc2);
            }
            ops.add(new Op("ep-dispatch", Category.EP_COMM, dExposed, 0, true));
            if (sc.moe().dispatcher() == Dispatcher.DEEPEP && !sc.strategy().name().equals("dualpipe")) {
                // the received indices and probabilities as a [tokens, local experts] map, in small kernels
                // (FrameworkHost counts them); the bytes are a rough estimate, negligible beside the launches
                ops.add(new Op(EP_MULTIHOT, Category.MEMORY,
                        memory(MemoryOp.ELEMENTWISE, load * (double) (8 + 4) * 2 + load / model.moe().topK() * local * 9.0),
                        0, false));
            }
            long fc1D = 0;
            long fc2D = 0;
            long fc1W = 0;
            long fc2W = 0;
            if (load > 0) {
                fc1D = expertGemmNs(rows, h, up, gemmType);
                fc2D = expertGemmNs(rows, ffnPerRank, h, gemmType);
                int nonEmpty = 0;
                for (long r : rows) {
                    if (r > 0) {
                        // Weight gradients per expert (Transformer Engine's GroupedLinear runs one GEMM each).
                        fc1W += gemm(h, up, r);
                        fc2W += gemm(ffnPerRank, h, r);
                        nonEmpty++;
                    }
                }
                fc1W += accumulateNs((double) nonEmpty * h * up);
                fc2W += accumulateNs((double) nonEmpty * ffnPerRank * h);
            }
            // FP8: expert inputs and output gradients cast like any GEMM's (the dispatched tokens arrive in FP8
            // with DeepEP, so only the backward casts apply to fc1's input side there).
            boolean fp8Dispatch = sc.moe().dispatcher() == Dispatcher.DEEPEP;
            long fc1Cast = fp8Dispatch ? 0 : fp8CastNs(load * (double) h);
            long fc2Cast = fp8CastNs(load * (double) ffnPerRank);
            fc1D += fp8CastNs(load * (double) up);
            fc2D += fp8CastNs(load * (double) h);
            ops.add(new Op("expert-fc1", Category.GEMM, best[1] + fc1Cast, 2.0 * load * up * h, false, 0, false, fc1D, fc1W));
            ops.add(new Op("expert-act", Category.MEMORY, best[2], 0, false));
            ops.add(new Op("expert-fc2", Category.GEMM, best[3] + fc2Cast, 2.0 * load * h * ffnPerRank, false, 0, false, fc2D,
                    fc2W));
            if (best[6] > 0) {
                ops.add(new Op("ep-pipeline-wait", Category.EP_COMM, best[6], 0, true));
            }
            ops.add(new Op("ep-combine", Category.EP_COMM, cExposed, 0, true));
            ops.add(new Op("unpermute", Category.MEMORY, memory(MemoryOp.UNPERMUTE, routedTokens * h * 2.0 * 2), 0, false));
            ops.addAll(shared);
            return ops;
        }

        /**
         * The local experts' forward or data-gradient GEMMs as Transformer Engine's {@code GroupedLinear} runs them:
         * one cuBLAS GEMM per expert, expert {@code i} on side stream {@code i mod }{@value #TE_GEMM_STREAMS}
         * ({@code multi_stream_cublas_gemm} in {@code transformer_engine/common/gemm/cublaslt_gemm.cu}, four compute
         * streams in {@code util/multi_stream.cpp}). So at most four expert GEMMs share the GPU at a time: each run
         * of four consecutive experts is priced as one grouped GEMM (their tiles pooled into waves), and the runs
         * follow one another. Few rows per expert leave SMs idle in every run rather than only in the last wave.
         */
        private long expertGemmNs(long[] rows, long n, long k, DataType type) {
            return teGroupedGemmNs(cost.gemm(), rows, n, k, type, sms);
        }

        /** SMs the EP communication kernels hold: the strategy's {@code commSms}, else DeepEP's default. */
        private int commSms() {
            Integer k = sc.strategy().knobs().commSms();
            return Math.min(sms - 1, k != null ? k : MEGATRON_DEEPEP_SMS);
        }

        /**
         * One dispatch or combine of {@code tokens} tokens per rank over the expert-parallel group (each token
         * to top-k experts); stragglers stretch it by the imbalance.
         */
        private long exchange(double tokens, double bytesPerToken, double imbalance) {
            double bytes = tokens * model.moe().topK() * bytesPerToken;
            int[] group = ranks.epGroup(0);
            if (group.length < 2) {
                return 0;
            }
            Dispatcher d = sc.moe().dispatcher();
            long t;
            if (d == Dispatcher.ALLGATHER) {
                t = collective(Collective.ALL_GATHER, group, bytes / sc.model().moe().topK() * group.length,
                        CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS);
            } else if (d == Dispatcher.DEEPEP) {
                CommGroup placement = ranks.placement(group);
                MoeSpec moe = model.moe();
                int maxNodes = placement.nodes();
                if (moe.expertGroups() > 1 && moe.topKGroups() > 0 && moe.expertGroups() % placement.nodes() == 0) {
                    // Device/node-limited routing: top-k groups of expert groups; groups spread evenly over the nodes.
                    maxNodes = Math.max(1, moe.topKGroups() * placement.nodes() / moe.expertGroups());
                }
                t = DeepEpModel.timeNs(tokens, bytesPerToken, placement.nodes(), placement.ranksPerNode(),
                        moe.experts(), moe.topK(), maxNodes, commSms(), cost.fabric());
            } else {
                CollectiveAlgorithm algorithm = sc.strategy().knobs().a2aAlgorithm() == CollectiveAlgorithm.HIERARCHICAL
                        && ranks.placement(group).nodes() > 1 ? CollectiveAlgorithm.HIERARCHICAL : CollectiveAlgorithm.FLAT;
                t = collective(Collective.ALL_TO_ALL, group, bytes, algorithm, CollectiveCostModel.ANY_SMS);
            }
            return Math.round(t * imbalance);
        }

        /** Backward ops of a forward list: GEMMs and attention twice-ish, memory ops twice, comm once. */
        private List<Op> backward(List<Op> forward, AttentionShape attn) {
            List<Op> ops = new ArrayList<>();
            Recompute rc = sc.recompute();
            if (rc == Recompute.FULL) {
                for (Op o : forward) {
                    ops.add(new Op("recompute-" + o.name(), o.category(), o.ns(), o.flops(), o.comm(), o.hostNs(), o.sync())
                            .withKernels(o.kernels()));
                }
            } else if (rc == Recompute.SELECTIVE) {
                boolean moeBlock = !forward.isEmpty() && forward.get(0).name().equals("moe-norm");
                boolean denseBlock = !forward.isEmpty() && forward.get(0).name().equals("mlp-norm");
                for (Op o : forward) {
                    if (recomputed(o.name(), moeBlock, denseBlock)) {
                        ops.add(new Op("recompute-" + o.name(), o.category(), o.ns(), o.flops(), o.comm(), o.hostNs(),
                                o.sync()).withKernels(o.kernels()));
                    }
                }
                if (!forward.isEmpty() && forward.get(0).name().equals("attn-norm")
                        && sc.recomputes(RecomputeModule.MLA_UP_PROJ) && mlaUpProj != null) {
                    ops.add(mlaUpProj);
                }
            }
            for (int i = forward.size() - 1; i >= 0; i--) {
                Op o = forward.get(i);
                if (o.name().equals(EP_PREPROCESS) || o.name().equals(EP_COUNT_ALLGATHER)) {
                    continue;   // token counting has no gradient
                }
                // the backward launches its kernels and runs the per-parameter work of the weights it differentiates
                long grads = host.gradHookNs(o.name());
                long bwdHost = host.backwardLaunchNs(o.name(), o.launchNs()) + grads;
                int bwdKernels = host.backwardKernels(o.name(), o.kernels());
                if (o.comm()) {
                    ops.add(new Op(o.name() + "-bwd", o.category(), o.ns(), 0, true, o.launchNs(), false)
                            .withKernels(o.kernels()));
                } else if (o.category() == Category.GEMM) {
                    ops.add(new Op(o.name() + "-dgrad", Category.GEMM, o.dgradNs(), o.flops(), false,
                            host.dgradLaunchNs(o.name(), o.launchNs()), false)
                            .withKernels(host.gradientKernels(o.name(), o.kernels(), false)));
                    ops.add(new Op(o.name() + "-wgrad", Category.GEMM, o.wgradNs(), o.flops(), false,
                            host.wgradLaunchNs(o.name(), o.launchNs()) + grads, false)
                            .withKernels(host.gradientKernels(o.name(), o.kernels(), true)));
                } else if (o.category() == Category.ATTENTION) {
                    ops.add(new Op(o.name() + "-bwd", Category.ATTENTION, cost.attention().backwardNs(attn, sms) / p.cp(),
                            attn.backwardFlops() / p.cp(), false, bwdHost, false).withKernels(bwdKernels));
                } else {
                    ops.add(new Op(o.name() + "-bwd", o.category(), o.ns() * 2, 0, false, bwdHost, false)
                            .withKernels(bwdKernels));
                }
            }
            return ops;
        }

        /**
         * Whether selective recomputation re-runs forward op {@code name} of an attention, MoE
         * ({@code moeBlock}) or dense MLP ({@code denseBlock}) list, per the scenario's recompute modules.
         */
        private boolean recomputed(String name, boolean moeBlock, boolean denseBlock) {
            if (name.endsWith("norm")) {
                return sc.recomputes(RecomputeModule.LAYERNORM);
            }
            if (moeBlock) {
                return sc.recomputes(RecomputeModule.MOE)
                        || name.equals("expert-act") && sc.recomputes(RecomputeModule.MOE_ACT)
                        || name.startsWith("shared-") && sc.recomputes(RecomputeModule.SHARED_EXPERTS);
            }
            if (denseBlock) {
                return sc.recomputes(RecomputeModule.MLP);
            }
            return (name.equals("flash-attn") || name.equals("cp-ring")) && sc.recomputes(RecomputeModule.CORE_ATTN);
        }

        private AttentionShape attentionShape() {
            if (model.attention() instanceof GroupedQueryAttention gqa) {
                return AttentionShape.selfAttention(b, s, Math.max(1, gqa.heads() / p.tp()),
                        Math.max(1, gqa.kvHeads() / p.tp()), gqa.headDim(), gqa.headDim(), true, DataType.BF16);
            }
            MultiLatentAttention mla = (MultiLatentAttention) model.attention();
            int heads = Math.max(1, mla.heads() / p.tp());
            return AttentionShape.selfAttention(b, s, heads, heads, mla.qkNopeHeadDim() + mla.qkRopeHeadDim(),
                    mla.vHeadDim(), true, DataType.BF16);
        }

        // ---- pipeline -----------------------------------------------------------------------------

        int[][] split() {
            return splitLayers(model.layers(), p.virtualStages());
        }

        TrainingStepResult run(SimulationListener listener) {
            int pp = p.pp();
            int vpp = p.vpp();
            int stages = pp * vpp;
            int[][] layersOf = split();
            AttentionShape attn = attentionShape();
            List<Op> attnF = hosted(attentionForward());
            List<Op> attnB = backward(attnF, attn);
            List<Op> denseF = hosted(denseFfnForward(model.ffn()));
            List<Op> denseB = backward(denseF, attn);
            List<List<Op>> layerF = new ArrayList<>();
            List<List<Op>> layerB = new ArrayList<>();
            int h = model.hidden();
            int vocab = MegatronFlops.paddedVocab(model.vocab(), MegatronFlops.DEFAULT_VOCAB_DIVISOR, p.tp());
            long logitsNs = gemm(tokens, vocab / p.tp(), h);
            Op logitsOp = gemmOp("logits", tokens, vocab / p.tp(), h);
            logitsDgradNs = logitsOp.dgradNs();
            logitsWgradNs = logitsOp.wgradNs();
            headOps();
            lossOps(tokens * (double) vocab / p.tp());
            double logitsFlops = 2.0 * tokens * ((double) vocab / p.tp()) * h;
            int mtp = model.mtpLayers();
            for (int l = 0; l < model.layers() + mtp; l++) {
                boolean isMtp = l >= model.layers();
                boolean moeLayer = isMtp ? model.mtpLayersAreMoe() : model.isMoeLayer(l);
                List<Op> f = new ArrayList<>();
                if (isMtp) {
                    // DeepSeek-V3 multi-token prediction module: project [h; embedding] (2h -> h), one transformer
                    // layer, then its own logits and loss, on the last pipeline stage.
                    f.add(gemmOp("mtp-proj", tokens, h / p.tp(), 2L * h).withHost(host.forwardNs("mtp-proj"), false));
                }
                f.addAll(attnF);
                List<Op> mlpF = moeLayer ? hosted(moeForward(l)) : denseF;
                f.addAll(mlpF);
                if (isMtp) {
                    f.add(hostedOp("mtp-logits", Category.GEMM, logitsNs, logitsFlops, host.forwardNs("mtp-logits")));
                    f.addAll(mtpLossForward);
                }
                List<Op> bwd = new ArrayList<>();
                if (isMtp) {
                    bwd.addAll(mtpLossBackward);
                    bwd.add(hostedOp("mtp-logits-dgrad", Category.GEMM, logitsDgradNs, logitsFlops, host.forwardNs("mtp-logits")));
                    bwd.add(hostedOp("mtp-logits-wgrad", Category.GEMM, logitsWgradNs, logitsFlops, host.forwardNs("mtp-logits")));
                }
                bwd.addAll(moeLayer ? backward(mlpF, attn) : denseB);
                bwd.addAll(attnB);
                if (isMtp) {
                    Op proj = f.get(0);
                    bwd.add(hostedOp("mtp-proj-dgrad", Category.GEMM, proj.dgradNs(), proj.flops(), proj.hostNs()));
                    bwd.add(hostedOp("mtp-proj-wgrad", Category.GEMM, proj.wgradNs(), proj.flops(), proj.hostNs()));
                }
                layerF.add(f);
                layerB.add(bwd);
            }
            if (mtp > 0) {
                int lastStage = layersOf.length - 1;
                int[] extended = java.util.Arrays.copyOf(layersOf[lastStage], layersOf[lastStage].length + mtp);
                for (int i = 0; i < mtp; i++) {
                    extended[layersOf[lastStage].length + i] = model.layers() + i;
                }
                layersOf[lastStage] = extended;
            }
            long embedNs = memory(MemoryOp.ELEMENTWISE, spTokens * h * 2.0 * 2);
            initLayerTraffic(mtp, stages);

            CommGroup ppPlacement = ranks.placement(ranks.ppGroup(0));
            var fabric = cost.fabric();
            Topology topo = new Topology(pp, ppPlacement.ranksPerNode(), sms, fabric.nvlinkBytesPerNs(),
                    fabric.nicBytesPerNs(), 1);
            TaskGraph.Builder g = TaskGraph.builder(topo);
            hostCarryNs = new long[pp];
            int m = microBatches;
            int[][] fwdEnd = new int[stages][m];
            int[][] bwdEnd = new int[stages][m];
            int[][] fwdSend = new int[stages][m];
            int[][] bwdSend = new int[stages][m];
            for (int[] a : fwdEnd) {
                java.util.Arrays.fill(a, -1);
            }
            for (int[] a : fwdSend) {
                java.util.Arrays.fill(a, -1);
            }
            for (int[] a : bwdSend) {
                java.util.Arrays.fill(a, -1);
            }
            long actBytes = spTokens * h * 2L;
            // Build stage by stage in an order that respects cross-stage dependencies: simulate the
            // schedule by repeatedly emitting the next op of any stage whose inputs exist.
            List<List<int[]>> perStage = new ArrayList<>();
            for (int st = 0; st < pp; st++) {
                perStage.add(schedule(st, pp, vpp, m, sc.strategy().a2aOverlap() && model.isMoe() && vpp > 1 ? 1 : 0));
            }
            int[] cursor = new int[pp];
            int[] lastOnStage = new int[pp];
            java.util.Arrays.fill(lastOnStage, -1);
            int remaining = 0;
            for (List<int[]> l : perStage) {
                remaining += l.size();
            }
            boolean dualPipe = isDualPipe();
            int chunksPerRank = dualPipe ? 2 : vpp;
            int[] lastBwdOfChunk = new int[chunksPerRank * pp];
            java.util.Arrays.fill(lastBwdOfChunk, -1);
            // Chunk c of rank st is index c·pp + st: its layers, and whether it holds the embedding / output head.
            int[][] chunkLayers = new int[chunksPerRank * pp][];
            boolean[] chunkEmbedding = new boolean[chunksPerRank * pp];
            boolean[] chunkHead = new boolean[chunksPerRank * pp];
            for (int c = 0; c < chunksPerRank; c++) {
                for (int st = 0; st < pp; st++) {
                    int stage = !dualPipe ? c * pp + st : c == 0 ? st : pp - 1 - st;
                    chunkLayers[c * pp + st] = layersOf[stage];
                    chunkEmbedding[c * pp + st] = stage == 0;
                    chunkHead[c * pp + st] = stage == stages - 1;
                }
            }
            if (dualPipe) {
                emitDualPipe(g, layersOf, layerF, layerB, embedNs, logitsNs, logitsFlops, actBytes,
                        fabric.interNodeLatencyNs(), lastOnStage, lastBwdOfChunk);
                remaining = 0;
            }
            boolean overlap = sc.strategy().a2aOverlap() && model.isMoe();
            // Hecate (FSSDP): each chunk's experts are materialized once per step by a sparse all-gather of
            // their shards from every expert rank of the stage; the chunk's forwards wait for it.
            int[] materialize = new int[chunksPerRank * pp];
            java.util.Arrays.fill(materialize, -1);
            if (sc.strategy().knobs().fullyShardedExperts() && model.isMoe() && !dualPipe) {
                for (int vs = 0; vs < chunksPerRank * pp; vs++) {
                    int st = vs % pp;
                    double bytes = materializedExpertParams(chunkLayers[vs]) * 2;
                    long t = collective(Collective.ALL_GATHER, stageGroup(st), bytes, CollectiveAlgorithm.AUTO, DP_COMM_SMS);
                    if (t > 0) {
                        materialize[vs] = g.communication("sparse-allgather", Category.DP_COMM).participant(st, 3)
                                .latencyNs(t).smsHeld(Math.min(DP_COMM_SMS, sms - 1)).add();
                    }
                }
            }
            // Megatron-Core's pipeline p2p: a stage's compute stream goes on only after its send is delivered.
            // Without virtual stages the send is a batch_isend_irecv waited on before the next step. With them
            // Megatron defaults to overlap_p2p_comm, but since 2026-04-16 (Megatron-LM #4047, "wait for async
            // P2P send before deallocating output tensor") the send is waited on right after it is posted
            // whenever deallocate_pipeline_outputs is set, which Megatron's training loop always sets; before
            // that fix the wait came one schedule step later. Receives are waited for by the data dependency.
            boolean blockingP2p = true;
            while (remaining > 0) {
                boolean progressed = false;
                for (int st = 0; st < pp; st++) {
                    while (cursor[st] < perStage.get(st).size()) {
                        int[] item = perStage.get(st).get(cursor[st]);
                        int vs = item[0];
                        int mb = item[1];
                        boolean bwd = item[2] == 1;
                        int dep;
                        if (!bwd) {
                            dep = vs == 0 ? -2 : fwdSend[vs - 1][mb];
                        } else {
                            dep = vs == stages - 1 ? fwdEnd[vs][mb] : bwdSend[vs + 1][mb];
                        }
                        if (dep == -1) {
                            break;
                        }
                        List<Integer> deps = new ArrayList<>();
                        if (dep >= 0) {
                            deps.add(dep);
                        }
                        if (lastOnStage[st] >= 0) {
                            deps.add(lastOnStage[st]);
                        }
                        if (!bwd && materialize[vs] >= 0) {
                            deps.add(materialize[vs]);
                        }
                        if (overlap && !bwd && cursor[st] + 1 < perStage.get(st).size()
                                && perStage.get(st).get(cursor[st] + 1)[2] == 1) {
                            int[] nextItem = perStage.get(st).get(cursor[st] + 1);
                            int vsB = nextItem[0];
                            int mbB = nextItem[1];
                            int depB = vsB == stages - 1 ? fwdEnd[vsB][mbB] : bwdSend[vsB + 1][mbB];
                            boolean selfDep = vsB == vs && mbB == mb;
                            if (!selfDep && depB != -1) {
                                List<Op> fSeq = sequence(false, layersOf[vs], layerF, vs == 0, vs == stages - 1, embedNs,
                                        logitsNs, logitsFlops);
                                List<Op> bSeq = sequence(true, layersOf[vsB], layerB, vsB == 0, vsB == stages - 1,
                                        embedNs, logitsNs, logitsFlops);
                                List<Integer> depsB = new ArrayList<>();
                                if (depB >= 0) {
                                    depsB.add(depB);
                                }
                                if (lastOnStage[st] >= 0) {
                                    depsB.add(lastOnStage[st]);
                                }
                                int[] ends = emitPair(g, st, fSeq, deps.stream().mapToInt(Integer::intValue).toArray(),
                                        bSeq, depsB.stream().mapToInt(Integer::intValue).toArray(), mb, mbB);
                                launchP2p(g, st, vs, stages);
                                launchP2p(g, st, vsB, stages);
                                lastOnStage[st] = g.compute(st, 0, "join", Category.MEMORY, 0, 0, ends[0], ends[1]);
                                fwdEnd[vs][mb] = ends[0];
                                fwdSend[vs][mb] = vs == stages - 1 ? ends[0]
                                        : g.transfer(st, FWD_SEND, (vs + 1) % pp, FWD_RECV, actBytes, "pp-send", Category.PP_COMM,
                                        fabric.interNodeLatencyNs(), 0, ends[0]);
                                bwdEnd[vsB][mbB] = ends[1];
                                bwdSend[vsB][mbB] = vsB == 0 ? ends[1]
                                        : g.transfer(st, BWD_SEND, (vsB - 1 + pp) % pp, BWD_RECV, actBytes, "pp-send-grad",
                                        Category.PP_COMM, fabric.interNodeLatencyNs(), 0, ends[1]);
                                lastBwdOfChunk[vsB] = ends[1];
                                if (blockingP2p) {
                                    lastOnStage[st] = g.compute(st, 0, "p2p-wait", Category.MEMORY, 0, 0,
                                            fwdSend[vs][mb], bwdSend[vsB][mbB]);
                                }
                                cursor[st] += 2;
                                remaining -= 2;
                                progressed = true;
                                continue;
                            }
                        }
                        int last = emitChunk(g, st, vs, mb, bwd, layersOf[vs], bwd ? layerB : layerF, deps,
                                vs == 0, vs == stages - 1, embedNs, logitsNs, logitsFlops);
                        launchP2p(g, st, vs, stages);
                        lastOnStage[st] = last;
                        if (!bwd) {
                            fwdEnd[vs][mb] = last;
                            fwdSend[vs][mb] = vs == stages - 1 ? last
                                    : g.transfer(st, FWD_SEND, (vs + 1) % pp, FWD_RECV, actBytes, "pp-send", Category.PP_COMM,
                                    fabric.interNodeLatencyNs(), 0, last);
                        } else {
                            bwdEnd[vs][mb] = last;
                            bwdSend[vs][mb] = vs == 0 ? last
                                    : g.transfer(st, BWD_SEND, (vs - 1 + pp) % pp, BWD_RECV, actBytes, "pp-send-grad",
                                    Category.PP_COMM, fabric.interNodeLatencyNs(), 0, last);
                            lastBwdOfChunk[vs] = last;
                        }
                        if (blockingP2p) {
                            lastOnStage[st] = bwd ? bwdSend[vs][mb] : fwdSend[vs][mb];
                        }
                        cursor[st]++;
                        remaining--;
                        progressed = true;
                    }
                }
                if (!progressed) {
                    throw new IllegalStateException("pipeline schedule has a cycle");
                }
            }
            // Gradient reduction per chunk, overlapping the rest of the backward; then the optimizer step.
            ParameterCounts params = ParameterAccounting.of(model);
            int moeLayers = Math.max(1, model.moeLayers());
            double attnPerLayer = (params.attentionParams() + params.normParams()) / (double) model.layers();
            double densePerLayer = model.denseLayers() == 0 ? 0 : params.denseFfnParams() / (double) model.denseLayers();
            double expertPerLayer = params.routedExpertParams() / (double) moeLayers;
            double sharedPerLayer = (params.sharedExpertParams() + params.routerParams()) / (double) moeLayers;
            for (int st = 0; st < pp; st++) {
                List<Integer> reduces = new ArrayList<>();
                double localParams = 0;
                for (int c = 0; c < chunksPerRank; c++) {
                    int vs = c * pp + st;
                    double dense = 0;
                    double expert = 0;
                    for (int l : chunkLayers[vs]) {
                        boolean moeLayer = l >= model.layers() ? model.mtpLayersAreMoe() : model.isMoeLayer(l);
                        dense += attnPerLayer + (moeLayer ? sharedPerLayer : densePerLayer);
                        expert += moeLayer ? expertPerLayer : 0;
                    }
                    if (chunkEmbedding[vs]) {
                        dense += params.embeddingParams();
                    }
                    if (chunkHead[vs]) {
                        dense += params.outputHeadParams();
                    }
                    dense /= p.tp();
                    long rsExpert;
                    if (sc.strategy().knobs().fullyShardedExperts() && model.isMoe()) {
                        // FSSDP: gradients of the materialized experts go back to their shards over all expert
                        // ranks of the stage (sparse reduce-scatter); each rank keeps 1/(gpus/pp) of the states.
                        localParams += dense / (ranks.dp() * p.cp()) + expert / (gpus / (double) pp);
                        rsExpert = collective(Collective.REDUCE_SCATTER, stageGroup(st),
                                materializedExpertParams(chunkLayers[vs]) * 2, CollectiveAlgorithm.AUTO, DP_COMM_SMS);
                    } else {
                        expert /= (double) p.ep() * p.etp();
                        localParams += dense / (ranks.dp() * p.cp()) + expert / ranks.edp();
                        rsExpert = collective(Collective.REDUCE_SCATTER, ranks.edpGroup(st * (gpus / pp)),
                                expert * GRAD_BYTES, CollectiveAlgorithm.AUTO, DP_COMM_SMS);
                    }
                    long rsDense = collective(Collective.REDUCE_SCATTER, ranks.dpCpGroup(st * (gpus / pp)),
                            dense * GRAD_BYTES, CollectiveAlgorithm.AUTO, DP_COMM_SMS);
                    boolean reducedByLayer = fsdpGatherNs != null
                            || layerReduced != null && vs < layerReduced.length && layerReduced[vs];
                    if (!reducedByLayer && rsDense + rsExpert > 0 && lastBwdOfChunk[vs] >= 0) {
                        reduces.add(g.communication(GRAD_REDUCE, Category.DP_COMM).participant(st, DP_STREAM)
                                .latencyNs(rsDense + rsExpert).smsHeld(Math.min(DP_COMM_SMS, sms - 1))
                                .add(lastBwdOfChunk[vs]));
                    }
                }
                if (gradReduces != null) {
                    reduces.addAll(gradReduces.get(st));
                }
                reduces.add(lastOnStage[st]);
                int[] deps = reduces.stream().mapToInt(Integer::intValue).toArray();
                g.compute(st, 0, "optimizer-step", Category.MEMORY,
                        memory(MemoryOp.OPTIMIZER_STEP, localParams * OPTIMIZER_BYTES_PER_PARAM), 0, deps);
            }
            SimulationResult sim = Simulator.run(g.build(), listener);
            return result(sim);
        }

        /** All GPUs of pipeline stage {@code st} (pp is the outermost rank dimension). */
        private int[] stageGroup(int st) {
            int size = gpus / p.pp();
            int[] g = new int[size];
            for (int i = 0; i < size; i++) {
                g[i] = st * size + i;
            }
            return g;
        }

        /**
         * Expert parameters one rank materializes for {@code layers} under FSSDP: its {@code local + extra}
         * expert slots of every MoE layer, each expert's share under expert tensor parallelism.
         */
        private double materializedExpertParams(int[] layers) {
            MoeSpec moe = model.moe();
            int local = moe.experts() / p.ep();
            double perExpert = (double) (model.activation().gated() ? 3 : 2) * model.hidden() * moe.expertFfn() / p.etp();
            int moeLayers = 0;
            for (int l : layers) {
                moeLayers += (l >= model.layers() ? model.mtpLayersAreMoe() : model.isMoeLayer(l)) ? 1 : 0;
            }
            return moeLayers * (local + sc.strategy().knobs().rematerializeSlots()) * perExpert;
        }

        private boolean isDualPipe() {
            return sc.strategy().name().equals("dualpipe");
        }

        /**
         * DeepSeek-V3's DualPipe ({@link DualPipeSchedule}): rank {@code r} runs stage {@code r} of direction 0
         * and stage {@code pp−1−r} of direction 1; forward activations of direction 0 and gradients of
         * direction 1 move down (to {@code r+1}), the others up. A forward&backward item runs both chunks
         * interleaved, each one's expert-parallel exchange hidden behind the other's compute
         * ({@link #emitPair}). A zero-bubble backward leaves its weight-gradient GEMMs to the next weight item.
         * As in the reference implementation, a rank waits for its pending sends before it computes again.
         */
        private void emitDualPipe(TaskGraph.Builder g, int[][] layersOf, List<List<Op>> layerF, List<List<Op>> layerB,
                                  long embedNs, long logitsNs, double logitsFlops, long actBytes,
                                  long latencyNs, int[] lastOnStage, int[] lastBwdOfChunk) {
            int pp = p.pp();
            int n = microBatches / 2;
            int[][][] fEnd = new int[2][pp][n];
            int[][][] fSend = new int[2][pp][n];
            int[][][] bSend = new int[2][pp][n];
            for (int[][][] a : new int[][][][]{fEnd, fSend, bSend}) {
                for (int[][] b2 : a) {
                    for (int[] c : b2) {
                        java.util.Arrays.fill(c, -1);
                    }
                }
            }
            List<List<DualPipeSchedule.Item>> items = new ArrayList<>();
            int remaining = 0;
            for (int r = 0; r < pp; r++) {
                items.add(DualPipeSchedule.items(r, pp, microBatches));
                remaining += items.get(r).size();
            }
            int[] cursor = new int[pp];
            // For a prefetching item: the (direction, micro-batch) of the next forward of that direction.
            List<int[][]> prefetchOf = new ArrayList<>();
            for (int r = 0; r < pp; r++) {
                List<DualPipeSchedule.Item> list = items.get(r);
                int[][] pf = new int[list.size()][];
                int[][] nextForward = {null, null};
                for (int i = list.size() - 1; i >= 0; i--) {
                    DualPipeSchedule.Item it = list.get(i);
                    if (it.prefetchDirection() >= 0) {
                        pf[i] = nextForward[it.prefetchDirection()];
                    }
                    if (it.kind() == DualPipeSchedule.Kind.FORWARD || it.kind() == DualPipeSchedule.Kind.FORWARD_BACKWARD) {
                        nextForward[it.direction()] = new int[]{it.direction(), it.microBatch()};
                    }
                }
                prefetchOf.add(pf);
            }
            int[][] pendingSend = new int[pp][];
            List<java.util.ArrayDeque<Object[]>> deferred = new ArrayList<>();
            for (int r = 0; r < pp; r++) {
                deferred.add(new java.util.ArrayDeque<>());
            }
            while (remaining > 0) {
                boolean progressed = false;
                for (int r = 0; r < pp; r++) {
                    while (cursor[r] < items.get(r).size()) {
                        DualPipeSchedule.Item it = items.get(r).get(cursor[r]);
                        int before = lastOnStage[r];
                        int[] pf = prefetchOf.get(r)[cursor[r]];
                        if (pf != null) {
                            int s0 = pf[0] == 0 ? r : pp - 1 - r;
                            if (s0 > 0) {
                                int input = fSend[pf[0]][s0 - 1][pf[1]];
                                if (input == -1) {
                                    break;
                                }
                                before = before >= 0 ? g.compute(r, 0, "p2p-wait", Category.MEMORY, 0, 0, before, input)
                                        : input;
                            }
                        }
                        int[] carried = pendingSend[r];
                        int itemLast;
                        List<Integer> sends = new ArrayList<>();
                        if (it.kind() == DualPipeSchedule.Kind.WEIGHT) {
                            Object[] w = deferred.get(r).removeFirst();
                            @SuppressWarnings("unchecked")
                            List<Op> wOps = (List<Op>) w[1];
                            int last = emitSequence(g, r, wOps, before >= 0 ? new int[]{before} : new int[0], true, (int) w[2]);
                            itemLast = last;
                            lastBwdOfChunk[(int) w[0] * pp + r] = last;
                        } else {
                            boolean hasF = it.kind() != DualPipeSchedule.Kind.BACKWARD;
                            boolean hasB = it.kind() != DualPipeSchedule.Kind.FORWARD;
                            int fd = it.direction();
                            int fk = it.microBatch();
                            int bd = it.kind() == DualPipeSchedule.Kind.FORWARD_BACKWARD ? it.backwardDirection() : fd;
                            int bk = it.kind() == DualPipeSchedule.Kind.FORWARD_BACKWARD ? it.backwardMicroBatch() : fk;
                            int fs = fd == 0 ? r : pp - 1 - r;
                            int bs = bd == 0 ? r : pp - 1 - r;
                            int fDep = !hasF ? -2 : fs == 0 ? -2 : fSend[fd][fs - 1][fk];
                            int bDep = !hasB ? -2 : bs == pp - 1 ? fEnd[bd][bs][bk] : bSend[bd][bs + 1][bk];
                            if (fDep == -1 || bDep == -1) {
                                break;
                            }
                            List<Op> fSeq = hasF ? sequence(false, layersOf[fs], layerF, fs == 0, fs == pp - 1, embedNs,
                                    logitsNs, logitsFlops) : null;
                            List<Op> bSeq = null;
                            if (hasB) {
                                bSeq = sequence(true, layersOf[bs], layerB, bs == 0, bs == pp - 1, embedNs, logitsNs,
                                        logitsFlops);
                                if (it.zeroBubble()) {
                                    List<Op> wOps = new ArrayList<>();
                                    List<Op> rest = new ArrayList<>();
                                    for (Op o : bSeq) {
                                        (o.name().endsWith("-wgrad") ? wOps : rest).add(o);
                                    }
                                    bSeq = rest;
                                    deferred.get(r).addLast(new Object[]{bd, wOps, bk});
                                }
                            }
                            int fLast = -1;
                            int bLast = -1;
                            if (hasF && hasB) {
                                int[] ends = emitPair(g, r, fSeq, deps2(fDep, before), bSeq, deps2(bDep, before), fk, bk);
                                fLast = ends[0];
                                bLast = ends[1];
                            } else if (hasF) {
                                fLast = emitSequence(g, r, fSeq, deps2(fDep, before), false, fk);
                            } else {
                                bLast = emitSequence(g, r, bSeq, deps2(bDep, before), true, bk);
                            }
                            itemLast = hasF && hasB ? g.compute(r, 0, "join", Category.MEMORY, 0, 0, fLast, bLast)
                                    : hasF ? fLast : bLast;
                            if (hasF) {
                                fEnd[fd][fs][fk] = fLast;
                                if (fs == pp - 1) {
                                    fSend[fd][fs][fk] = fLast;
                                } else if (it.sendAfterNext()) {
                                    pendingSend[r] = new int[]{fd, fs, fk, fLast};
                                } else {
                                    fSend[fd][fs][fk] = forwardSend(g, r, fd, fLast, actBytes, latencyNs);
                                    sends.add(fSend[fd][fs][fk]);
                                }
                            }
                            if (hasB) {
                                if (bs == 0) {
                                    bSend[bd][bs][bk] = bLast;
                                } else {
                                    boolean down = bd == 1;
                                    bSend[bd][bs][bk] = g.transfer(r, down ? FWD_SEND : BWD_SEND, down ? r + 1 : r - 1,
                                            down ? FWD_RECV : BWD_RECV, actBytes, "pp-send-grad", Category.PP_COMM,
                                            latencyNs, 0, bLast);
                                }
                                sends.add(bSend[bd][bs][bk]);
                                if (!it.zeroBubble()) {
                                    lastBwdOfChunk[bd * pp + r] = bLast;
                                }
                            }
                        }
                        if (carried != null) {
                            // A forward output held back by the reference order goes out after this item.
                            int ready = g.compute(r, 0, "join", Category.MEMORY, 0, 0, carried[3], itemLast);
                            fSend[carried[0]][carried[1]][carried[2]] = forwardSend(g, r, carried[0], ready, actBytes,
                                    latencyNs);
                            sends.add(fSend[carried[0]][carried[1]][carried[2]]);
                            if (pendingSend[r] == carried) {
                                pendingSend[r] = null;
                            }
                        }
                        sends.add(itemLast);
                        int[] waitAll = sends.stream().mapToInt(Integer::intValue).toArray();
                        lastOnStage[r] = waitAll.length == 1 ? waitAll[0]
                                : g.compute(r, 0, "p2p-wait", Category.MEMORY, 0, 0, waitAll);
                        cursor[r]++;
                        remaining--;
                        progressed = true;
                    }
                }
                if (!progressed) {
                    throw new IllegalStateException("DualPipe schedule has a cycle");
                }
            }
        }

        /**
         * The host time of launching one chunk's point-to-point operations on stage {@code st}: Megatron's
         * interleaved schedule posts the receive of the chunk's input and the send of its output as separate
         * {@code isend} / {@code irecv} calls (each a NCCL kernel launched from Python; none at the ends of the
         * pipeline). A host task of its own, so the launches that follow on the stage wait for it.
         */
        private void launchP2p(TaskGraph.Builder g, int st, int vs, int stages) {
            int ops = (vs > 0 ? 1 : 0) + (vs < stages - 1 ? 1 : 0);
            if (host.enabled() && ops > 0) {
                g.host(st, HOST, P2P_LAUNCH, ops * host.nsPerLaunch());
            }
        }

        /** The transfer of a forward chunk's output to the next rank of its direction. */
        private int forwardSend(TaskGraph.Builder g, int r, int direction, int after, long actBytes, long latencyNs) {
            boolean down = direction == 0;
            return g.transfer(r, down ? FWD_SEND : BWD_SEND, down ? r + 1 : r - 1, down ? FWD_RECV : BWD_RECV, actBytes,
                    "pp-send", Category.PP_COMM, latencyNs, 0, after);
        }

        private static int[] deps2(int dep, int before) {
            if (dep < 0) {
                return before >= 0 ? new int[]{before} : new int[0];
            }
            return before >= 0 ? new int[]{dep, before} : new int[]{dep};
        }

        private int emitChunk(TaskGraph.Builder g, int st, int vs, int mb, boolean bwd, int[] layers,
                              List<List<Op>> ops, List<Integer> deps, boolean first, boolean last, long embedNs,
                              long logitsNs, double logitsFlops) {
            // Gradients are reduce-scattered layer by layer under FSDP (every micro-batch) and with the distributed
            // optimizer's overlapped reduction (the chunk's last micro-batch), as their backward completes.
            boolean reduce = bwd && gradReduceNs != null && (fsdpGatherNs != null || mb == microBatches - 1);
            if (reduce) {
                layerReduced[vs] = true;
            }
            List<Op> seq = sequence(bwd, reduce, layers, ops, first, last, embedNs, logitsNs, logitsFlops);
            return emitSequence(g, st, seq, deps.stream().mapToInt(Integer::intValue).toArray(), bwd, mb);
        }

        /**
         * The loss over {@code elements} logits of this rank ({@link CrossEntropyLoss}): forward, its tensor-parallel
         * collectives, then the NaN check that makes the host wait; backward, the gradient of the logits.
         */
        private void lossOps(double elements) {
            CrossEntropyFusion f = sc.strategy().knobs().crossEntropyFusion();
            int[] tpGroup = ranks.tpGroup(0);
            lossForward = new ArrayList<>();
            lossForward.add(new Op("loss", Category.MEMORY,
                    memory(MemoryOp.ELEMENTWISE, elements * CrossEntropyLoss.forwardBytesPerElement(f)), 0, false)
                    .withHost(host.forwardNs("loss"), false).withKernels(host.forwardKernels("loss")));
            long lossComm = 0;
            for (int bytesPerToken : CrossEntropyLoss.allReduceBytesPerToken(f)) {
                lossComm += collective(Collective.ALL_REDUCE, tpGroup, (double) tokens * bytesPerToken,
                        CollectiveAlgorithm.AUTO, CollectiveCostModel.ANY_SMS);
            }
            lossComm += collective(Collective.ALL_GATHER, tpGroup,
                    (double) tokens * CrossEntropyLoss.allGatherBytesPerToken(f) * tpGroup.length, CollectiveAlgorithm.AUTO,
                    CollectiveCostModel.ANY_SMS);
            if (lossComm > 0) {
                lossForward.add(new Op("loss-tp-comm", Category.TP_COMM, lossComm, 0, true));
            }
            lossForward.add(new Op("loss-check", Category.MEMORY, memory(MemoryOp.ELEMENTWISE, 16), 0, false)
                    .withHost(host.forwardNs("loss-check"), host.syncsBefore("loss-check"))
                    .withKernels(host.forwardKernels("loss-check")));
            lossBackward = List.of(new Op("loss-bwd", Category.MEMORY,
                    memory(MemoryOp.ELEMENTWISE, elements * CrossEntropyLoss.backwardBytesPerElement(f)), 0, false)
                    .withHost(host.lossBackwardNs(), host.lossBackwardSyncs()).withKernels(host.lossBackwardKernels()));
            // Megatron's MTP loss (compute_language_model_loss on the module's logits) joins the main loss through
            // autograd: the cross entropy again, but no loss_func and so no NaN check.
            mtpLossForward = lossForward.stream().filter(o -> !o.name().equals("loss-check"))
                    .map(o -> o.withName("mtp-" + o.name())).toList();
            mtpLossBackward = List.of(lossBackward.get(0).withName("mtp-loss-bwd"));
        }

        /**
         * The final norm and the output layer's sequence-parallel collectives ({@link #headForward}), and the
         * embedding's ({@link #embeddingScatter}).
         */
        private void headOps() {
            int h = model.hidden();
            long normNs = memory(MemoryOp.NORM, spTokens * h * 2.0 * 2);
            int[] tpGroup = ranks.tpGroup(0);
            double actBytes = tokens * (double) h * 2;
            long gatherNs = collective(Collective.ALL_GATHER, tpGroup, actBytes, CollectiveAlgorithm.AUTO,
                    CollectiveCostModel.ANY_SMS);
            long scatterNs = collective(Collective.REDUCE_SCATTER, tpGroup, actBytes, CollectiveAlgorithm.AUTO,
                    CollectiveCostModel.ANY_SMS);
            // without TP both collectives cost nothing and are left out
            List<Op> allGather = gatherNs > 0 ? List.of(new Op("tp-allgather", Category.TP_COMM, gatherNs, 0, true)
                    .withHost(host.forwardNs("tp-allgather"), false).withKernels(host.forwardKernels("tp-allgather")))
                    : List.of();
            List<Op> reduceScatter = scatterNs > 0 ? List.of(new Op("tp-reducescatter", Category.TP_COMM, scatterNs, 0,
                    true).withHost(host.forwardNs("tp-reducescatter"), false)
                    .withKernels(host.forwardKernels("tp-reducescatter"))) : List.of();
            headForward = new ArrayList<>();
            headForward.add(hostedOp("final-norm", Category.MEMORY, normNs, 0, host.forwardNs("attn-norm")));
            headForward.addAll(allGather);
            headBackward = new ArrayList<>(reduceScatter);
            headBackward.add(hostedOp("final-norm-bwd", Category.MEMORY, 2 * normNs, 0,
                    FrameworkHost.backwardNs(host.forwardNs("attn-norm"))));
            embeddingScatter = reduceScatter;
            embeddingGather = allGather;
        }

        /** The ops of one chunk of one micro-batch, in execution order. */
        private List<Op> sequence(boolean bwd, int[] layers, List<List<Op>> ops, boolean first, boolean last,
                                  long embedNs, long logitsNs, double logitsFlops) {
            return sequence(bwd, bwd && fsdpGatherNs != null, layers, ops, first, last, embedNs, logitsNs, logitsFlops);
        }

        /** As above; with {@code reduce}, each layer's backward is followed by its gradient reduce-scatter. */
        private List<Op> sequence(boolean bwd, boolean reduce, int[] layers, List<List<Op>> ops, boolean first,
                                  boolean last, long embedNs, long logitsNs, double logitsFlops) {
            List<Op> seq = new ArrayList<>();
            int embedding = gradReduceNs == null ? -1 : gradReduceNs.length - 2;
            int head = embedding + 1;
            if (!bwd && first) {
                fsdpGather(seq, embedding);
                seq.add(hostedOp("embedding", Category.MEMORY, embedNs, 0, host.forwardNs("embedding")));
                seq.addAll(embeddingScatter);
            }
            if (bwd && last) {
                fsdpGather(seq, head);
                seq.addAll(lossBackward);
                seq.add(hostedOp("logits-dgrad", Category.GEMM, logitsDgradNs, logitsFlops, host.forwardNs("logits")));
                seq.add(hostedOp("logits-wgrad", Category.GEMM, logitsWgradNs, logitsFlops, host.forwardNs("logits")));
                seq.addAll(headBackward);
                gradReduce(seq, reduce, head);
            }
            if (!bwd) {
                for (int l : layers) {
                    fsdpGather(seq, l);
                    seq.addAll(ops.get(l));
                }
            } else {
                for (int i = layers.length - 1; i >= 0; i--) {
                    fsdpGather(seq, layers[i]);
                    seq.addAll(ops.get(layers[i]));
                    gradReduce(seq, reduce, layers[i]);
                }
            }
            if (!bwd && last) {
                fsdpGather(seq, head);
                seq.addAll(headForward);
                seq.add(hostedOp("logits", Category.GEMM, logitsNs, logitsFlops, host.forwardNs("logits")));
                seq.addAll(lossForward);
            }
            if (bwd && first) {
                fsdpGather(seq, embedding);
                seq.addAll(embeddingGather);
                seq.add(hostedOp("embedding-bwd", Category.MEMORY, embedNs * 2, 0,
                        FrameworkHost.backwardNs(host.forwardNs("embedding"))));
                gradReduce(seq, reduce, embedding);
            }
            return seq;
        }

        /**
         * Emits one op sequence on the compute stream; returns its last task. Consecutive compute ops of one
         * category merge into one task (fewer events; spans keep their category); communication stays separate.
         * Each task waits for the host task that launches it ({@link #launch}).
         */
        private int emitSequence(TaskGraph.Builder g, int st, List<Op> seq, int[] initial, boolean bwd, int mb) {
            int prev = -1;
            PendingCompute pending = new PendingCompute((bwd ? "bwd " : "fwd ") + "mb" + mb + " ", spansByCategory);
            // FSDP: an all-gather may start once the layer before the previous one is done (one layer of
            // prefetch); a reduce-scatter is queued behind the next all-gather, so that the prefetch is not
            // held up by the previous layer's gradients on the shared stream.
            int anchor = -1;
            int[] deferredReduceAfter = null;
            long deferredReduceNs = 0;
            String deferredReduceName = null;
            for (Op o : seq) {
                boolean gather = o.name().equals(FSDP_GATHER);
                if (gather || o.name().equals(FSDP_REDUCE) || o.name().equals(GRAD_REDUCE)) {
                    prev = flush(g, st, pending, prev, initial);
                    if (gather) {
                        gateTask = dpTask(g, st, FSDP_GATHER, o.ns(), anchor >= 0 ? new int[]{anchor} : new int[0]);
                        anchor = prev;
                    }
                    if (deferredReduceAfter != null) {
                        gradReduces.get(st).add(dpTask(g, st, deferredReduceName, deferredReduceNs, deferredReduceAfter));
                        deferredReduceAfter = null;
                    }
                    if (!gather) {
                        deferredReduceAfter = prev >= 0 ? new int[]{prev} : initial;
                        deferredReduceNs = o.ns();
                        deferredReduceName = o.name();
                    }
                    continue;
                }
                if (o.comm()) {
                    prev = flush(g, st, pending, prev, initial);
                    if (o.ns() > 0 || o.hostNs() > 0 || o.sync()) {
                        int[] before = gated(prev >= 0 ? new int[]{prev} : initial);
                        int hostTask = launch(g, st, pending.prefix + o.name(), o.hostNs(), o.sync(), before);
                        int task = g.communication(o.name(), o.category()).participant(st, 0).latencyNs(o.gpuNs())
                                .add(deps(before, hostTask));
                        noteLaunch(task, hostTask, prev);
                        noteGate(task, prev);
                        prev = task;
                    }
                } else {
                    if (o.sync()) {
                        // the host waits for the GPU before launching this op: it starts a launch group of its own
                        prev = flush(g, st, pending, prev, initial);
                        pending.sync = true;
                    }
                    pending.add(o);
                }
            }
            if (!pending.isEmpty()) {
                prev = flush(g, st, pending, prev, initial);
            } else if (prev < 0 || gateTask >= 0) {
                prev = addCompute(g, st, "empty", Category.MEMORY, 0, 0, 0, prev, initial);
            }
            if (deferredReduceAfter != null) {
                gradReduces.get(st).add(dpTask(g, st, deferredReduceName, deferredReduceNs, deferredReduceAfter));
            }
            return prev;
        }

        /**
         * A run of consecutive compute ops between two communication ops: one launch group for the host model
         * (the GPU waits for the host once, before the run's first kernel; the rest of the run's launches are
         * carried on the host thread), emitted by {@link #flush} as one task per category segment, or as a
         * single task when {@code byCategory} is off (a GEMM then makes the whole task a GEMM). Either way the
         * timing is the same, up to a nanosecond of rounding per task.
         */
        private static final class PendingCompute {
            final String prefix;
            final boolean byCategory;
            final List<Category> categories = new ArrayList<>();
            final List<String> names = new ArrayList<>();
            final List<long[]> ns = new ArrayList<>();
            final List<double[]> flops = new ArrayList<>();
            long hostNs;
            /** Whether the host waits for the GPU work before the run before it launches the run. */
            boolean sync;

            PendingCompute(String prefix, boolean byCategory) {
                this.prefix = prefix;
                this.byCategory = byCategory;
            }

            boolean isEmpty() {
                return categories.isEmpty();
            }

            void add(Op o) {
                int last = categories.size() - 1;
                if (last < 0 || byCategory && categories.get(last) != o.category()) {
                    categories.add(o.category());
                    names.add(prefix + o.name());
                    ns.add(new long[1]);
                    flops.add(new double[1]);
                    last++;
                } else if (!byCategory && o.category() == Category.GEMM) {
                    categories.set(last, Category.GEMM);
                }
                ns.get(last)[0] += o.gpuNs();
                flops.get(last)[0] += o.flops();
                hostNs += o.hostNs();
            }

            void clear() {
                categories.clear();
                names.clear();
                ns.clear();
                flops.clear();
                hostNs = 0;
                sync = false;
            }
        }

        /** Emits the pending compute run after {@code prev} (if any) and returns the new last task. */
        private int flush(TaskGraph.Builder g, int st, PendingCompute p, int prev, int[] initial) {
            if (p.isEmpty()) {
                return prev;
            }
            int[] before = gated(prev >= 0 ? new int[]{prev} : initial);
            int hostTask = launch(g, st, p.names.get(0), p.hostNs, p.sync, before);
            int first = g.compute(st, 0, p.names.get(0), p.categories.get(0), p.ns.get(0)[0], p.flops.get(0)[0],
                    deps(before, hostTask));
            noteLaunch(first, hostTask, prev);
            noteGate(first, prev);
            int task = first;
            for (int i = 1; i < p.categories.size(); i++) {
                task = g.compute(st, 0, p.names.get(i), p.categories.get(i), p.ns.get(i)[0], p.flops.get(i)[0], task);
            }
            p.clear();
            return task;
        }

        /** A data-parallel collective on the stage's DP stream, holding NCCL's SMs. */
        private int dpTask(TaskGraph.Builder g, int st, String name, long ns, int[] deps) {
            return g.communication(name, Category.DP_COMM).participant(st, DP_STREAM).latencyNs(ns)
                    .smsHeld(Math.min(DP_COMM_SMS, sms - 1)).add(deps);
        }

        /** {@code before} plus the pending FSDP gate, which it consumes. */
        private int[] gated(int[] before) {
            if (gateTask < 0) {
                return before;
            }
            int[] out = java.util.Arrays.copyOf(before, before.length + 1);
            out[before.length] = gateTask;
            consumedGate = gateTask;
            gateTask = -1;
            return out;
        }

        /** Records that {@code gpuTask} (after {@code before} on the stream) waited for the gate just consumed. */
        private void noteGate(int gpuTask, int before) {
            if (consumedGate >= 0 && before >= 0) {
                gates.add(gpuTask, consumedGate, before);
            }
            consumedGate = -1;
        }

        /**
         * Whether FSDP / ZeRO-3 parameter traffic is simulated: sharded parameters, outside DualPipe and Hecate's
         * expert sharding (whose schedules emit their own traffic).
         */
        static boolean fsdpSimulated(Scenario sc) {
            ParallelLayout p = sc.parallel();
            return (p.fsdp() || p.zeroStage() >= 3) && !sc.strategy().name().equals("dualpipe")
                    && !sc.strategy().knobs().fullyShardedExperts();
        }

        /**
         * Per-layer data-parallel traffic.
         * <ul>
         *   <li>FSDP (Megatron-FSDP's optim_grads_params, ZeRO-3; {@link #fsdpSimulated}): every layer's parameters
         *       live sharded over the data-parallel ranks (attention and shared weights over DP×CP, routed experts
         *       over the expert-data-parallel group), so each micro-batch all-gathers a layer's BF16 parameters
         *       before its forward and again before its backward, and reduce-scatters its gradients after the
         *       backward. The embedding and the output head are sharded the same way.</li>
         *   <li>The distributed optimizer with {@code --overlap-grad-reduce} (Megatron's default for these
         *       runs): in a chunk's last micro-batch, each layer's gradients are reduce-scattered as soon as its
         *       backward ends (Megatron launches a bucket's reduce-scatter when its last gradient is ready; a
         *       layer stands for a bucket).</li>
         * </ul>
         * Gradients travel as {@link #GRAD_BYTES}-byte elements ({@link #FSDP_GRAD_BYTES} under FSDP). Not used by DualPipe, the 1F1B A2A overlap pairs
         * and Hecate's expert sharding, which reduce per chunk.
         */
        private void initLayerTraffic(int mtp, int stages) {
            boolean fsdp = fsdpSimulated(sc);
            if (!fsdp && (isDualPipe() || sc.strategy().knobs().fullyShardedExperts() && model.isMoe())) {
                return;
            }
            ParameterCounts params = ParameterAccounting.of(model);
            int moeLayers = Math.max(1, model.moeLayers());
            double attnPerLayer = (params.attentionParams() + params.normParams()) / (double) model.layers();
            double densePerLayer = model.denseLayers() == 0 ? 0 : params.denseFfnParams() / (double) model.denseLayers();
            double expertPerLayer = params.routedExpertParams() / (double) moeLayers;
            double sharedPerLayer = (params.sharedExpertParams() + params.routerParams()) / (double) moeLayers;
            int[] dense = ranks.dpCpGroup(0);
            int[] experts = ranks.edpGroup(0);
            int n = model.layers() + mtp;
            double[] denseParams = new double[n + 2];
            double[] expertParams = new double[n + 2];
            for (int l = 0; l < n; l++) {
                boolean moeLayer = l >= model.layers() ? model.mtpLayersAreMoe() : model.isMoeLayer(l);
                denseParams[l] = (attnPerLayer + (moeLayer ? sharedPerLayer : densePerLayer)) / p.tp();
                expertParams[l] = moeLayer ? expertPerLayer / ((double) p.ep() * p.etp()) : 0;
            }
            denseParams[n] = params.embeddingParams() / p.tp();
            denseParams[n + 1] = params.outputHeadParams() / p.tp();
            gradReduceNs = new long[n + 2];
            if (fsdp) {
                fsdpGatherNs = new long[n + 2];
            }
            int gradBytes = fsdp ? FSDP_GRAD_BYTES : GRAD_BYTES;
            for (int l = 0; l < n + 2; l++) {
                gradReduceNs[l] = collective(Collective.REDUCE_SCATTER, dense, denseParams[l] * gradBytes,
                        CollectiveAlgorithm.AUTO, DP_COMM_SMS) + collective(Collective.REDUCE_SCATTER, experts,
                        expertParams[l] * gradBytes, CollectiveAlgorithm.AUTO, DP_COMM_SMS);
                if (fsdp) {
                    fsdpGatherNs[l] = collective(Collective.ALL_GATHER, dense, denseParams[l] * 2, CollectiveAlgorithm.AUTO,
                            DP_COMM_SMS) + collective(Collective.ALL_GATHER, experts, expertParams[l] * 2,
                            CollectiveAlgorithm.AUTO, DP_COMM_SMS);
                }
            }
            gradReduces = new ArrayList<>();
            for (int st = 0; st < p.pp(); st++) {
                gradReduces.add(new ArrayList<>());
            }
            layerReduced = new boolean[stages];
        }

        private void fsdpGather(List<Op> seq, int index) {
            if (fsdpGatherNs != null && fsdpGatherNs[index] > 0) {
                seq.add(new Op(FSDP_GATHER, Category.DP_COMM, fsdpGatherNs[index], 0, true));
            }
        }

        private void gradReduce(List<Op> seq, boolean reduce, int index) {
            if (reduce && gradReduceNs[index] > 0) {
                seq.add(new Op(fsdpGatherNs != null ? FSDP_REDUCE : GRAD_REDUCE, Category.DP_COMM, gradReduceNs[index], 0,
                        true));
            }
        }

        /**
         * The host task after which the GPU can start a task whose kernels take {@code hostNs} to launch: the
         * rest of the previous task's launches (carried on this stage's host thread) plus this task's first
         * launch; the rest of this task's launches is carried to the next one. A synchronising task first
         * waits for the GPU work {@code before} it. Returns −1 when there is nothing to wait for.
         */
        private int launch(TaskGraph.Builder g, int st, String name, long hostNs, boolean sync, int[] before) {
            long head = Math.min(hostNs, host.nsPerLaunch());
            long carried = hostCarryNs[st];
            hostCarryNs[st] = hostNs - head;
            // Host tasks share two names (a distinct name each would cost ~40 bytes per task on big steps); the
            // trace shows them on the host thread next to the kernels they launch.
            if (sync) {
                if (carried > 0) {
                    g.host(st, HOST, "launch", carried);
                }
                return g.host(st, HOST, "sync+launch", head, before);
            }
            if (carried + head == 0) {
                return -1;
            }
            return g.host(st, HOST, "launch", carried + head);
        }

        private static int[] deps(int[] base, int hostTask) {
            if (hostTask < 0) {
                return base;
            }
            int[] out = java.util.Arrays.copyOf(base, base.length + 1);
            out[base.length] = hostTask;
            return out;
        }

        private void noteLaunch(int gpuTask, int hostTask, int before) {
            if (hostTask >= 0 && before >= 0) {
                launched.add(gpuTask, hostTask, before);
            }
        }

        private int addCompute(TaskGraph.Builder g, int st, String name, Category cat, long ns, double flops, long hostNs,
                               int prev, int[] initial) {
            int[] before = gated(prev >= 0 ? new int[]{prev} : initial);
            int hostTask = launch(g, st, name, hostNs, false, before);
            int task = g.compute(st, 0, name, cat, ns, flops, deps(before, hostTask));
            noteLaunch(task, hostTask, prev);
            noteGate(task, prev);
            return task;
        }

        /**
         * Megatron-Core's 1F1B all-to-all overlap: a steady-state forward and backward of two micro-batches
         * run interleaved, segment by segment; each chain's expert-parallel dispatch and combine run on a
         * communication stream (holding their SMs) while the other chain computes. Tensor-parallel
         * collectives stay on the compute stream. Returns the two chains' last tasks.
         */
        private int[] emitPair(TaskGraph.Builder g, int st, List<Op> fwd, int[] fwdDeps, List<Op> bwd, int[] bwdDeps,
                               int mbF, int mbB) {
            List<List<Op>> a = segments(fwd);
            List<List<Op>> b = segments(bwd);
            int[] prev = {-1, -1};
            int[][] initial = {fwdDeps, bwdDeps};
            int commSms = sc.moe().dispatcher() == Dispatcher.DEEPEP ? commSms() : DP_COMM_SMS;
            int n = Math.max(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                for (int chain = 0; chain < 2; chain++) {
                    List<List<Op>> segs = chain == 0 ? a : b;
                    int idx = (int) ((long) i * segs.size() / n);
                    int next = (int) ((long) (i + 1) * segs.size() / n);
                    for (int k = idx; k < next; k++) {
                        for (Op o : segs.get(k)) {
                            if (o.ns() == 0 && o.comm() && o.hostNs() == 0 && !o.sync()) {
                                continue;
                            }
                            int task;
                            String name = (chain == 0 ? "fwd mb" + mbF : "bwd mb" + mbB) + " " + o.name();
                            int[] before = prev[chain] >= 0 ? new int[]{prev[chain]} : initial[chain];
                            if (o.name().equals(FSDP_GATHER)) {
                                // In a pair the all-gather is not prefetched: it waits for its chain's previous op,
                                // and the other chain's work hides it.
                                prev[chain] = dpTask(g, st, FSDP_GATHER, o.ns(), before);
                                continue;
                            }
                            if (o.name().equals(FSDP_REDUCE) || o.name().equals(GRAD_REDUCE)) {
                                gradReduces.get(st).add(dpTask(g, st, o.name(), o.ns(), before));
                                continue;
                            }
                            int hostTask = launch(g, st, name, o.hostNs(), o.sync(), before);
                            if (!o.comm()) {
                                task = g.compute(st, 0, name, o.category(), o.gpuNs(), o.flops(), deps(before, hostTask));
                            } else {
                                boolean ep = o.category() == Category.EP_COMM;
                                TaskGraph.Communication c = g.communication(name, o.category())
                                        .participant(st, ep ? 4 : 0).latencyNs(o.gpuNs())
                                        .smsHeld(ep ? Math.min(commSms, sms - 1) : 0);
                                task = c.add(deps(before, hostTask));
                            }
                            noteLaunch(task, hostTask, prev[chain]);
                            prev[chain] = task;
                        }
                    }
                }
            }
            for (int chain = 0; chain < 2; chain++) {
                if (prev[chain] < 0) {
                    prev[chain] = g.compute(st, 0, "empty", Category.MEMORY, 0, 0, initial[chain]);
                }
            }
            return prev;
        }

        /**
         * Splits a sequence after every expert-parallel op, merging runs of compute ops of one category (of any
         * category unless {@link #spansByCategory}).
         */
        private List<List<Op>> segments(List<Op> seq) {
            List<List<Op>> out = new ArrayList<>();
            List<Op> cur = new ArrayList<>();
            long ns = 0;
            long hostNs = 0;
            double flops = 0;
            Category cat = null;
            String name = null;
            for (Op o : seq) {
                if (!o.comm()) {
                    if (cat != null && o.category() != cat && spansByCategory) {
                        cur.add(new Op(name, cat, ns, flops, false, hostNs, false));
                        cat = null;
                        ns = 0;
                        hostNs = 0;
                        flops = 0;
                    }
                    if (cat == null) {
                        cat = o.category();
                        name = o.name();
                    } else if (o.category() == Category.GEMM) {
                        cat = Category.GEMM;
                    }
                    ns += o.gpuNs();
                    hostNs += o.hostNs();
                    flops += o.flops();
                    continue;
                }
                if (cat != null) {
                    cur.add(new Op(name, cat, ns, flops, false, hostNs, false));
                    cat = null;
                    ns = 0;
                    hostNs = 0;
                    flops = 0;
                }
                cur.add(o);
                if (o.category() == Category.EP_COMM) {
                    out.add(cur);
                    cur = new ArrayList<>();
                }
            }
            if (cat != null) {
                cur.add(new Op(name, cat, ns, flops, false, hostNs, false));
            }
            if (!cur.isEmpty()) {
                out.add(cur);
            }
            return out;
        }

        /**
         * Megatron's (interleaved) 1F1B order on one pipeline rank: {@code (virtual stage, micro-batch, backward?)}.
         * Warm-up forwards {@code (pp − rank − 1)·2 + (vpp − 1)·pp} (just {@code pp − rank − 1} without
         * interleaving), then one forward and one backward alternately, then the remaining backwards.
         */
        static List<int[]> schedule(int rank, int pp, int vpp, int m) {
            return schedule(rank, pp, vpp, m, 0);
        }

        /**
         * @param extraWarmup forwards added to the warm-up (Megatron-Core adds one with the 1F1B all-to-all
         *                    overlap, so that each steady-state forward pairs with a backward that does not wait
         *                    for it)
         */
        static List<int[]> schedule(int rank, int pp, int vpp, int m, int extraWarmup) {
            int total = m * vpp;
            int warmup = (vpp == 1 ? pp - rank - 1 : (pp - rank - 1) * 2 + (vpp - 1) * pp) + extraWarmup;
            warmup = Math.min(warmup, total);
            List<int[]> out = new ArrayList<>();
            int f = 0;
            int bk = 0;
            for (; f < warmup; f++) {
                out.add(item(rank, pp, vpp, f, false));
            }
            while (f < total) {
                out.add(item(rank, pp, vpp, f++, false));
                out.add(item(rank, pp, vpp, bk++, true));
            }
            while (bk < total) {
                out.add(item(rank, pp, vpp, bk++, true));
            }
            return out;
        }

        private static int[] item(int rank, int pp, int vpp, int k, boolean backward) {
            int chunk = k % (pp * vpp) / pp;
            if (backward) {
                chunk = vpp - 1 - chunk;
            }
            int mb = k / (pp * vpp) * pp + k % pp;
            return new int[]{chunk * pp + rank, mb, backward ? 1 : 0};
        }

        private TrainingStepResult result(SimulationResult sim) {
            double step = sim.makespanNs() / 1e9;
            long tokensPerStep = sc.batch().tokensPerStep();
            double modelFlops = MegatronFlops.perToken(model, s, p.tp()).trainingFlops() * tokensPerStep;
            double tflops = modelFlops / step / gpus / 1e12;
            int busiest = 0;
            for (int st = 0; st < p.pp(); st++) {
                if (sim.computeBusyNs(st) > sim.computeBusyNs(busiest)) {
                    busiest = st;
                }
            }
            double compute = sim.computeBusyNs(busiest) / 1e9;
            long[] busy = computeStreamBusy(sim, busiest);
            double streamBusy = Intervals.length(busy) / 1e9;
            double exposed = Math.max(0, streamBusy - compute);
            // Idle time of the compute stream, each instant counted once: waiting for the host to launch, then
            // (otherwise) waiting for an FSDP all-gather, which is exposed data-parallel communication, not bubble.
            long[] hostIdle = Intervals.minus(waits(sim, busiest, launched), busy);
            long[] fsdpIdle = Intervals.minus(Intervals.minus(waits(sim, busiest, gates), busy), hostIdle);
            double hostBound = Intervals.length(hostIdle) / 1e9;
            double fsdpWait = Intervals.length(fsdpIdle) / 1e9;
            exposed += fsdpWait;
            double imbalance = moeLayerCount == 0 ? 1 : imbalanceSum / moeLayerCount;
            java.util.Map<String, Double> byKind = new java.util.LinkedHashMap<>();
            for (Category c : Category.values()) {
                if (c.isCommunication()) {
                    byKind.put(c.id(), 0.0);
                }
            }
            for (int i = 0; i < sim.spanCount(); i++) {
                if (sim.spanGpu(i) == busiest && sim.spanStream(i) == 0) {
                    Category c = sim.spanCategory(i);
                    if (c.isCommunication()) {
                        byKind.merge(c.id(), sim.spanDurationNs(i) / 1e9, Double::sum);
                    }
                }
            }
            byKind.merge(Category.DP_COMM.id(), fsdpWait, Double::sum);
            return new TrainingStepResult(step, tokensPerStep / step / gpus, tflops, peak == 0 ? 0 : tflops / peak,
                    compute, exposed, java.util.Collections.unmodifiableMap(byKind),
                    Math.max(0, step - streamBusy - hostBound - fsdpWait), hostBound, microBatches, imbalance,
                    rankLoads.mean(), rankLoads.max(), loads.droppedFraction(),
                    MemoryModel.estimate(sc, hbmBytes, imbalance), sim);
        }

        /** The busy time of {@code stage}'s compute stream (stream 0), as sorted, disjoint intervals. */
        private static long[] computeStreamBusy(SimulationResult sim, int stage) {
            int n = 0;
            for (int i = 0; i < sim.spanCount(); i++) {
                if (sim.spanGpu(i) == stage && sim.spanStream(i) == 0) {
                    n++;
                }
            }
            long[] pairs = new long[2 * n];
            int k = 0;
            for (int i = 0; i < sim.spanCount(); i++) {
                if (sim.spanGpu(i) == stage && sim.spanStream(i) == 0) {
                    pairs[k++] = sim.spanStartNs(i);
                    pairs[k++] = sim.spanEndNs(i);
                }
            }
            return Intervals.union(pairs, n);
        }

        /**
         * When gated GPU tasks of {@code stage} waited for their gate: for each (task, gate, task before it)
         * triple whose task started the moment its gate ended (a host launch, an FSDP all-gather), the time from
         * the end of the task before it to its start. With two interleaved chains (the 1F1B all-to-all overlap) the
         * other chain may have kept the stream busy meanwhile; the caller subtracts the stream's busy time.
         */
        private static long[] waits(SimulationResult sim, int stage, Triples triples) {
            long[] pairs = new long[2 * triples.size()];
            int n = 0;
            for (int i = 0; i < triples.size(); i++) {
                int task = triples.get(i, 0);
                if (sim.graph().gpu(task) != stage) {
                    continue;
                }
                long start = sim.startNs(task);
                long ready = sim.endNs(triples.get(i, 2));
                if (start > ready && start == sim.endNs(triples.get(i, 1))) {
                    pairs[2 * n] = ready;
                    pairs[2 * n + 1] = start;
                    n++;
                }
            }
            return Intervals.union(pairs, n);
        }

        /**
         * One forward chunk and one backward chunk (of another micro-batch) of {@code layers} consecutive MoE
         * layers, run as DualPipe's overlapped forward&backward pair on one GPU.
         */
        SimulationResult chunkPair(int layers, SimulationListener listener) {
            AttentionShape attn = attentionShape();
            List<Op> attnF = hosted(attentionForward());
            List<Op> attnB = backward(attnF, attn);
            List<Op> fwd = new ArrayList<>();
            List<Op> bwd = new ArrayList<>();
            int first = model.moe() == null ? 0 : model.moe().firstDenseLayers();
            for (int l = first; l < first + layers; l++) {
                List<Op> mlpF = hosted(moeForward(l));
                fwd.addAll(attnF);
                fwd.addAll(mlpF);
                List<Op> layerBwd = new ArrayList<>(backward(mlpF, attn));
                layerBwd.addAll(attnB);
                bwd.addAll(0, layerBwd);
            }
            var fabric = cost.fabric();
            TaskGraph.Builder g = TaskGraph.builder(new Topology(1, 1, sms, fabric.nvlinkBytesPerNs(),
                    fabric.nicBytesPerNs(), 1));
            hostCarryNs = new long[1];
            emitPair(g, 0, fwd, new int[0], bwd, new int[0], 0, 1);
            return Simulator.run(g.build(), listener);
        }

        private double peak;
        private double hbmBytes;

        Builder withGpu(double peakTflops, double hbm) {
            this.peak = peakTflops;
            this.hbmBytes = hbm;
            return this;
        }
    }

    /** Layers of each virtual stage ({@link io.moesim.layout.PipelineSplit}). */
    static int[][] splitLayers(int layers, int stages) {
        return io.moesim.layout.PipelineSplit.layers(layers, stages);
    }

    /**
     * Parts of a valid scenario this version simulates only approximately or not at all, one sentence
     * each, for the CLI to print as warnings (empty when everything is modelled).
     */
    public static List<String> limitations(Scenario sc) {
        List<String> out = new ArrayList<>();
        if (sc.moe().routing().kind() == RoutingKind.TRACE && sc.moe().routing().trace() == null) {
            out.add("the routing trace was not loaded: simulated as balanced");
        }
        if (!io.moesim.scenario.StrategyKnobs.modelled(sc.strategy().name())) {
            out.add("strategy '" + sc.strategy().name() + "': its distinguishing mechanism is not modelled yet"
                    + "; the rest is simulated as Megatron-Core");
        }
        if ((sc.parallel().fsdp() || sc.parallel().zeroStage() >= 3) && !Builder.fsdpSimulated(sc)) {
            out.add("FSDP / ZeRO-3 parameter all-gathers are not simulated with DualPipe or fully sharded experts "
                    + "(memory sharding is)");
        }
        return out;
    }

    /**
     * The mean over MoE layers of the busiest expert-parallel rank's routed tokens over the mean, as the
     * simulation would draw it (1 for balanced routing and for dense models).
     */
    public static double routingImbalance(Scenario scenario, CostModel cost) {
        Builder b = new Builder(scenario, cost);
        if (!scenario.model().isMoe()) {
            return 1;
        }
        for (int l = 0; l < scenario.model().layers(); l++) {
            if (scenario.model().isMoeLayer(l)) {
                b.moeForward(l);
            }
        }
        return b.moeLayerCount == 0 ? 1 : b.imbalanceSum / b.moeLayerCount;
    }

    /** Megatron's 1F1B order for one pipeline rank (visible for tests). */
    static List<int[]> scheduleForTest(int rank, int pp, int vpp, int m) {
        return Builder.schedule(rank, pp, vpp, m);
    }

    /**
     * Runs one training step.
     *
     * @param peakTflops the GPU's dense peak for the training precision (for MFU)
     * @param hbmBytes   the GPU's memory (for {@link MemoryEstimate#fits()})
     */
    public static TrainingStepResult run(Scenario scenario, CostModel cost, double peakTflops, double hbmBytes,
                                         SimulationListener listener) {
        if (scenario.workload() != Workload.TRAINING_STEP || scenario.model() == null || scenario.batch() == null) {
            throw new IllegalArgumentException("scenario '" + scenario.name() + "' is not a training-step workload");
        }
        return run(scenario, cost, peakTflops, hbmBytes, listener, true);
    }

    /**
     * DualPipe's overlapped forward&amp;backward pair of {@code layers} MoE layers on one GPU of the scenario's
     * layout (forward of one micro-batch, backward of another, each one's expert-parallel exchange hidden
     * behind the other's compute), for comparison with the DeepSeek-V3 profile trace.
     */
    public static SimulationResult chunkPair(Scenario scenario, CostModel cost, int layers, boolean hostOverhead) {
        if (scenario.workload() != Workload.TRAINING_STEP || scenario.model() == null || !scenario.model().isMoe()) {
            throw new IllegalArgumentException("scenario '" + scenario.name() + "' is not an MoE training-step workload");
        }
        return new Builder(scenario, cost, hostOverhead).chunkPair(layers, SimulationListener.NONE);
    }

    /**
     * The result of {@link #run} for searches and sweeps that only need its metrics: each run of compute ops
     * between two communication ops is one task instead of one per category (coarser spans: a merged span
     * takes the category GEMM when it holds one). The metrics are {@link #run}'s up to a nanosecond of
     * rounding per task, except inside the 1F1B A2A overlap's forward/backward pairs when the host is the
     * bottleneck (each category segment of a pair waits for its own launch there; up to 1.5% in the tests' host-bound
     * case, 0.5% on the published 1F1B-overlap case, identical on the other validation cases). The layout search uses it: the Qwen3-235B seed-1 search takes 95 s
     * instead of 167 s.
     */
    public static TrainingStepResult evaluate(Scenario scenario, CostModel cost, double peakTflops, double hbmBytes) {
        if (scenario.workload() != Workload.TRAINING_STEP || scenario.model() == null || scenario.batch() == null) {
            throw new IllegalArgumentException("scenario '" + scenario.name() + "' is not a training-step workload");
        }
        Builder b = new Builder(scenario, cost, true).withGpu(peakTflops, hbmBytes);
        b.spansByCategory = false;
        return b.run(SimulationListener.NONE);
    }

    /** {@link #run} with the framework's host overhead switched on or off (for tests and studies). */
    static TrainingStepResult run(Scenario scenario, CostModel cost, double peakTflops, double hbmBytes,
                                  SimulationListener listener, boolean hostOverhead) {
        if (scenario.workload() != Workload.TRAINING_STEP || scenario.model() == null || scenario.batch() == null) {
            throw new IllegalArgumentException("scenario '" + scenario.name() + "' is not a training-step workload");
        }
        return new Builder(scenario, cost, hostOverhead).withGpu(peakTflops, hbmBytes).run(listener);
    }

    /** A growable list of int triples without an object per entry. */
    private static final class Triples {
        private int[] data = new int[3 * 1024];
        private int size;

        void add(int a, int b, int c) {
            if (3 * size + 3 > data.length) {
                data = java.util.Arrays.copyOf(data, data.length * 2);
            }
            data[3 * size] = a;
            data[3 * size + 1] = b;
            data[3 * size + 2] = c;
            size++;
        }

        int size() {
            return size;
        }

        int get(int i, int field) {
            return data[3 * i + field];
        }
    }
}
