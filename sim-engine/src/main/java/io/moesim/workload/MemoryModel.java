package io.moesim.workload;

import io.moesim.accounting.MegatronFlops;
import io.moesim.accounting.ParameterAccounting;
import io.moesim.accounting.ParameterCounts;
import io.moesim.layout.RankLayout;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.Scenario;

/**
 * Per-GPU memory of a training-step scenario (Megatron-Core with the distributed optimizer).
 *
 * <ul>
 *   <li><b>Weights</b> 2 B per parameter the GPU holds: dense parameters of its layers divided by
 *       {@code tp}, expert parameters by {@code ep·etp}; embedding on the first and the output head on the
 *       last stage. FSDP ({@code zero 3}) shards them further over the data-parallel group (dense) and
 *       the expert-data-parallel group (experts), plus one gathered layer.</li>
 *   <li><b>Gradients</b> 4 B per held parameter (FP32 main gradients; Megatron switches
 *       {@code accumulate_allreduce_grads_in_fp32} on for BF16), sharded like the weights under
 *       ZeRO-2/3.</li>
 *   <li><b>Optimizer</b> 12 B per parameter of the shard (FP32 master weight, Adam {@code m} and
 *       {@code v}); ZeRO-1 and up shard it over {@code dp·cp} (dense) and {@code edp} (experts).</li>
 *   <li><b>Activations</b> per layer and micro-batch, in bytes per token of the GPU's sequence-parallel
 *       shard (Korthikanti et al. 2022, "Reducing Activation Recomputation", with FlashAttention, so no
 *       {@code s²} term): attention {@code 2h} (norm input) {@code + 2h + 2(q+2kv)} (QKV input and output)
 *       {@code + 2·heads·v + 2h} (attention output, output-projection input) {@code + h} (dropout mask);
 *       dense MLP {@code 2h + 2h + 2·up + 2·ffn + h}; MoE {@code 2h} (norm) {@code + topK·imbalance·(2h + 2·up
 *       + 2·ffn + 2h)} for the routed copies on the busiest rank plus shared experts like a dense MLP.
 *       Selective recompute (Megatron-MoE-ModelZoo's {@code layernorm moe_act}) drops norm inputs and
 *       activation outputs; full recompute keeps only each layer's input ({@code 2h}).</li>
 *   <li><b>In flight</b>: under 1F1B the first stage holds {@code pp} micro-batches, under interleaving
 *       {@code (pp−1)·2 + (vpp−1)·pp + 1} chunk-micro-batches (Megatron's warm-up plus one); rank
 *       {@code r} holds {@code r·(interleaved ? 2 : 1)} fewer. DualPipe keeps every layer's parameters
 *       twice (rank {@code r} holds stages {@code r} and {@code pp−1−r}) and up to {@code pp+1} chunk
 *       activations on every rank (DeepSeek-V3 report, Table 2).</li>
 *   <li><b>Logits</b>: what the loss keeps of one micro-batch's logits on the last stage for its backward: the FP32
 *   softmax ({@code b·s/cp·V/tp·4}), or the BF16 gradient with Transformer Engine's cross entropy ({@code ·2};
 *   {@link CrossEntropyLoss}).</li>
 *   <li><b>Buffers and allowance</b>: DeepEP's buffers 2 GB (its README's {@code Buffer(group, 1e9, 1e9)});
 *       CUDA context and library workspaces 1.5 GB plus 5% of everything else for fragmentation
 *       (assumptions, stated in every report).</li>
 * </ul>
 */
public final class MemoryModel {
    static final double DEEPEP_BUFFER_BYTES = 2e9;
    static final double CONTEXT_BYTES = 1.5e9;
    static final double FRAGMENTATION = 0.05;

    private MemoryModel() {
    }

    /**
     * @param imbalance busiest rank's routed tokens over the mean (1 for balanced routing)
     */
    public static MemoryEstimate estimate(Scenario sc, double hbmBytes, double imbalance) {
        ModelSpec model = sc.model();
        ParallelLayout p = sc.parallel();
        int gpus = sc.cluster().gpuCount();
        RankLayout ranks = new RankLayout(p, gpus, sc.cluster().gpusPerNode());
        ParameterCounts params = ParameterAccounting.of(model);
        int pp = p.pp();
        int vpp = p.vpp();
        int stages = pp * vpp;
        int[][] layersOf = TrainingStepWorkload.splitLayers(model.layers(), stages);
        int moeLayers = Math.max(1, model.moeLayers());
        double attnPerLayer = (params.attentionParams() + params.normParams()) / (double) model.layers();
        double densePerLayer = model.denseLayers() == 0 ? 0 : params.denseFfnParams() / (double) model.denseLayers();
        double expertPerLayer = params.routedExpertParams() / (double) moeLayers;
        double sharedPerLayer = (params.sharedExpertParams() + params.routerParams()) / (double) moeLayers;
        int zero = p.zeroStage();
        double denseShard = ranks.dp() * (double) p.cp();
        double expertShard = ranks.edp();
        double tokens = (double) sc.batch().microBatch() * sc.batch().seqLen() / p.cp() / p.tp();

        boolean dualPipe = sc.strategy().name().equals("dualpipe");
        int chunks = dualPipe ? 2 : vpp;
        MemoryEstimate best = null;
        for (int rank = 0; rank < pp; rank++) {
            double dense = 0;
            double expert = 0;
            int layersHeld = 0;
            double actPerChunkMb = 0;
            // DualPipe: rank r holds stage r of one direction and stage pp-1-r of the other (parameters twice).
            int[] held = new int[chunks];
            for (int c = 0; c < chunks; c++) {
                held[c] = dualPipe ? (c == 0 ? rank : pp - 1 - rank) : c * pp + rank;
            }
            for (int vs : held) {
                for (int l : layersOf[vs]) {
                    boolean moe = model.isMoeLayer(l);
                    dense += attnPerLayer + (moe ? sharedPerLayer : densePerLayer);
                    expert += moe ? expertPerLayer : 0;
                    layersHeld++;
                }
                if (vs == 0) {
                    dense += params.embeddingParams();
                }
                if (vs == stages - 1) {
                    dense += params.outputHeadParams();
                }
            }
            dense /= p.tp();
            expert /= (double) p.ep() * p.etp();
            double heldDense = zero >= 3 ? dense / denseShard : dense;
            double heldExpert = zero >= 3 ? expert / expertShard : expert;
            double gathered = zero >= 3 && layersHeld > 0 ? (dense + expert) / layersHeld : 0;
            double weights = 2 * (heldDense + heldExpert + gathered);
            double grads = 4 * (zero >= 2 ? dense / denseShard + expert / expertShard : dense + expert);
            double optimizer = 12 * (zero >= 1 ? dense / denseShard + expert / expertShard : dense + expert);
            if (sc.strategy().knobs().fullyShardedExperts() && model.isMoe()) {
                // FSSDP (Hecate): expert states sharded over all ep·edp expert ranks; the materialized experts
                // (local + re-materialized slots) are held in BF16 with their BF16 gradients for the step.
                int local = model.moe().experts() / p.ep();
                double materialized = expert * (local + sc.strategy().knobs().rematerializeSlots()) / local;
                double shard = expert / ranks.edp();
                weights = 2 * (heldDense + gathered + materialized);
                grads = 4 * (zero >= 2 ? dense / denseShard : dense) + 4 * shard + 2 * materialized;
                optimizer = 12 * (zero >= 1 ? dense / denseShard : dense) + 12 * shard;
            }

            // activations: average bytes per layer of this rank's chunks times layers per chunk
            double perLayerSum = 0;
            int counted = 0;
            for (int vs : held) {
                for (int l : layersOf[vs]) {
                    perLayerSum += layerActivationBytesPerToken(sc, l, imbalance);
                    counted++;
                }
            }
            double perLayer = counted == 0 ? 0 : perLayerSum / counted;
            double layersPerChunk = counted / (double) chunks;
            int inFlight = dualPipe ? pp + 1 : vpp == 1 ? pp - rank : (pp - rank - 1) * 2 + (vpp - 1) * pp + 1;
            inFlight = Math.min(inFlight, chunks * microBatches(sc, ranks));
            actPerChunkMb = perLayer * layersPerChunk * tokens;
            double activations = actPerChunkMb * inFlight;
            double logits = 0;
            if (rank == pp - 1 || dualPipe && rank == 0) {
                int vocab = MegatronFlops.paddedVocab(model.vocab(), MegatronFlops.DEFAULT_VOCAB_DIVISOR, p.tp());
                logits = (double) sc.batch().microBatch() * sc.batch().seqLen() / p.cp() * vocab / p.tp()
                        * CrossEntropyLoss.savedBytesPerElement(sc.strategy().knobs().crossEntropyFusion());
            }
            double buffers = sc.moe().dispatcher() == Dispatcher.DEEPEP && model.isMoe() ? DEEPEP_BUFFER_BYTES : 0;
            double subtotal = weights + grads + optimizer + activations + logits + buffers;
            MemoryEstimate e = new MemoryEstimate(rank, weights, grads, optimizer, activations, logits, buffers,
                    CONTEXT_BYTES + FRAGMENTATION * subtotal, hbmBytes);
            if (best == null || e.totalBytes() > best.totalBytes()) {
                best = e;
            }
        }
        return best;
    }

    private static int microBatches(Scenario sc, RankLayout ranks) {
        return Math.max(1, sc.batch().globalBatch() / (sc.batch().microBatch() * ranks.dp()));
    }

    /** Activation bytes per token (of the GPU's sequence-parallel shard) for layer {@code l}. */
    static double layerActivationBytesPerToken(Scenario sc, int l, double imbalance) {
        ModelSpec model = sc.model();
        int tp = sc.parallel().tp();
        double h = model.hidden();
        Recompute rc = sc.recompute();
        if (rc == Recompute.FULL) {
            return 2 * h;
        }
        boolean norms = sc.recomputes(RecomputeModule.LAYERNORM);
        double qkvOut;
        double attnOut;
        if (model.attention() instanceof GroupedQueryAttention gqa) {
            qkvOut = 2.0 * (gqa.heads() + 2.0 * gqa.kvHeads()) * gqa.headDim();
            attnOut = 2.0 * gqa.heads() * gqa.headDim();
        } else {
            MultiLatentAttention mla = (MultiLatentAttention) model.attention();
            double qk = mla.qkNopeHeadDim() + mla.qkRopeHeadDim();
            qkvOut = 2.0 * mla.heads() * (qk + qk + mla.vHeadDim());
            attnOut = 2.0 * mla.heads() * mla.vHeadDim();
            if (sc.recomputes(RecomputeModule.MLA_UP_PROJ)) {
                // The up-projected queries, keys and values are recomputed from the saved latents.
                qkvOut = 2.0 * (Math.max(0, mla.qLoraRank()) + mla.kvLoraRank() + mla.qkRopeHeadDim());
            }
        }
        if (sc.recomputes(RecomputeModule.CORE_ATTN)) {
            attnOut = 0;
        }
        // Outside the TP region (norms, residual, dropout) the shard is already 1/tp; inside, tensors are
        // gathered over the sequence but split over heads/features by tp: both count per shard token.
        double attention = (norms ? 0 : 2 * h) + 2 * h + qkvOut + attnOut + 2 * h + h;
        double gated = model.activation().gated() ? 2 : 1;
        if (!model.isMoeLayer(l)) {
            double ffn = model.ffn();
            boolean mlp = sc.recomputes(RecomputeModule.MLP);
            return attention + (norms ? 0 : 2 * h) + 2 * h + (mlp ? 0 : 2 * gated * ffn + 2 * ffn) + h;
        }
        MoeSpec moe = model.moe();
        double e = moe.expertFfn();
        boolean wholeMoe = sc.recomputes(RecomputeModule.MOE);
        // A rank sends its shard's tokens to topK experts and, on average, receives as many copies as it
        // sends (times the imbalance on the busiest rank); expert widths are split by etp. A recomputed MoE
        // block keeps only its input (the 2h above).
        double routed = wholeMoe ? 0 : moe.topK() * imbalance * (2 * h + 2 * gated * e / sc.parallel().etp()
                + (sc.recomputes(RecomputeModule.MOE_ACT) ? 0 : 2 * e / sc.parallel().etp()) + 2 * h);
        double shared = moe.sharedFfnTotal() == 0 || wholeMoe || sc.recomputes(RecomputeModule.SHARED_EXPERTS) ? 0
                : 2 * h + 2 * gated * moe.sharedFfnTotal() + 2.0 * moe.sharedFfnTotal();
        return attention + (norms ? 0 : 2 * h) + routed + shared;
    }
}
