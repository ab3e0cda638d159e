package io.moesim.workload;

import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelSpec;
import io.moesim.scenario.CrossEntropyFusion;
import io.moesim.scenario.Dispatcher;

/**
 * The host (CPU) side of an eager-mode PyTorch training framework such as Megatron-Core: every kernel is
 * launched by Python and the PyTorch dispatcher, which costs tens of microseconds of CPU time, and a few
 * operations make the CPU wait for the GPU (device-to-host synchronisations). When the GPU work of the
 * kernels is short (small micro-batches, high tensor parallelism) the GPU waits for the CPU instead of the
 * other way round; after every synchronisation the GPU idles until the CPU has launched the next kernel.
 *
 * <h2>Constants (measured)</h2>
 * <b>Per Python-launched kernel</b>, {@value io.moesim.scenario.StrategyKnobs#MEGATRON_CORE_HOST_LAUNCH_US} µs by
 * default ({@code strategy.hostLaunchUs}; the {@code dualpipe} preset uses DeepSeek's 42 µs below): Megatron-Core's
 * own layers measured on the probe machine (tools/hopper-probe/megatron_host.py, results-2026-11-30-h200/run3):
 * megatron/core of Megatron-LM commit 1e057005 (the code of the ModelZoo's Qwen3-235B runs), a full MoE transformer
 * layer (RMSNorm, GQA attention with QK-norm, router with auxiliary loss and forced balance, all-to-all dispatcher,
 * local experts) forward and backward with tiny inputs so the GPU idles, PyTorch 2.11 eager on a 16-core Xeon VM:
 * 31.3 ms for 605 kernels (16 local experts, 16 heads) and 22.6 ms for 318 (4 experts, 32 heads), together 58 µs
 * per kernel (50–76 µs over the eight configurations measured). Transformer Engine is not installed there, so the
 * layers are Megatron-Core's local ones (torch Linear, unfused attention, one MLP module per expert); TE's modules
 * cost more CPU per call than Megatron's local ones (TE PR #1191, hardware not given: 115–140 µs against 74 µs per
 * Linear forward), so this is a lower bound for the TE path. The VM's host is about as fast as a DGX H100's: an
 * eager {@code F.linear} costs 14.5 µs of CPU there and 13.5 µs on a DGX H100 with Xeon Platinum 8480C (TE issue
 * #2053). The DeepSeek-V3 training trace (deepseek-ai/profile-data {@code train.json}, DeepSeek's own framework on
 * H800) gives 42 µs for its framework (39.6 ms for 943 kernels in the compute phases of its four MoE layers);
 * moe-sim used that value before the Megatron-Core measurement existed.
 * <p>
 * <b>Per GEMM of a loop over local experts</b> (one cuBLAS GEMM per local expert in Transformer Engine's {@code
 * GroupedLinear}, a C++ loop), the median interval between consecutive launches of the trace's own per-expert
 * weight-gradient GEMM loops ({@code fp8_dptp128c_acc} kernels: 52 intervals inside 8 loops, 5–9 µs typical),
 * {@value #NS_PER_CPP_LAUNCH} ns; the bare {@code cudaLaunchKernel} call is 2–3 µs of that. Backward launches
 * {@link #BACKWARD_FACTOR} times the kernels of a non-GEMM forward op (the trace's attention block: 106 backward
 * and weight-gradient launches against 69 forward launches); a GEMM's backward is its two GEMMs, data and weight
 * gradient.
 *
 * <h2>Megatron-Core's DDP hooks (measured on the host alone)</h2>
 * Megatron-Core's {@code DistributedDataParallel} (Megatron-LM 1e057005, {@code distributed_data_parallel.py}) adds
 * Python work the bare-layer measurement above does not see. With the distributed optimizer and
 * {@code --overlap-param-gather} (the ModelZoo's recipes) every sub-module has a forward pre-hook that walks its own
 * parameters and calls each one's bucket group ({@code finish_param_sync}, two attribute checks after the first
 * micro-batch); every parameter's gradient accumulator has a hook that clears {@code param.grad} and registers the
 * gradient as ready; and Transformer Engine 2.2's modules hand autograd a dummy weight gradient per weight under
 * gradient-accumulation fusion. {@code tools/host-probe/ddp_hooks.py} rebuilds that control flow on CPU tensors and
 * measures it by difference (results-2026-11-30-epyc, the 2-core AMD EPYC development VM, PyTorch 1.13 and Python
 * 3.11; the hooks are Python and autograd's C++, the same for CUDA tensors):
 * {@value #PRE_HOOK_NS_PER_MODULE} ns per module call plus {@value #PRE_HOOK_NS_PER_PARAM} ns per parameter it owns
 * (least-squares fit over six configurations, 1.5–9.2 µs per module), and {@value #GRAD_HOOK_NS_PER_PARAM} ns per
 * parameter in the backward (median of four configurations, 4.8–5.9 µs). The modules and parameters per op are counted
 * from Megatron-Core's Transformer Engine layer spec ({@code get_gpt_layer_with_transformer_engine_spec}): a Qwen3 MoE
 * layer calls 17 modules (the layer, the identity input norm, self-attention, the fused norm + QKV linear, the two QK
 * norms, the attention module and its backend, the output projection, the two identity cross-attention modules, the
 * MoE norm, the MoE layer, the router, the expert MLP and its two grouped linears) and owns 7 + 2L parameters, one
 * weight per local expert in each grouped linear. Megatron-FSDP and DeepSeek's framework ({@code dualpipe}) have hooks
 * of their own, which are not modelled.
 *
 * <h2>Kernel counts per op (assumptions from Megatron-Core with Transformer Engine)</h2>
 * The launches per op of {@link TrainingStepWorkload} follow Megatron-Core's code path with the flags of the
 * Megatron-MoE-ModelZoo recipes of the validation runs ({@code --moe-permute-fusion}, Transformer Engine layers,
 * sequence parallelism; no router fusion, which Megatron gained later): one kernel per norm, GEMM, collective and fused elementwise op;
 * attention is FlashAttention plus the two RoPE kernels (and the two QK-norms when the model has them);
 * the router's counts are {@link RouterKernels}' (Megatron-LM 1e057005's unfused router, or a generic assumption for
 * DeepSeek's framework); the DeepEP dispatch is layout, notify and the exchange. Megatron's
 * all-to-all dispatcher ({@code MoEAlltoAllTokenDispatcher} at Megatron-LM 1e057005) first counts the tokens per
 * expert and their split sizes (eight small kernels), copies five of those tensors to the host and all-gathers
 * the counts over the EP group, forward only; its dispatch is two all-to-alls (tokens, and the routing
 * probabilities) and a fused sort by local expert, its combine the sort back and one all-to-all.
 * They are counted from the code, not measured, and are stated in {@code docs/training-step.md}.
 *
 * <h2>Gaps between kernels (GPU side)</h2>
 * Even when the host is far ahead, consecutive kernels on one stream do not start back to back: in the same
 * trace, the compute stream's kernels that were already queued when their predecessor ended start a median
 * {@value #GPU_GAP_NS} ns after it (875 such pairs; p10 1 µs, p90 3 µs; the trace's timestamps are whole
 * microseconds). Every kernel counted below adds that gap to its op's time on the GPU.
 *
 * <h2>Synchronisations</h2>
 * Every MoE layer's forward makes the CPU wait for the GPU once before its dispatch: DeepEP's normal
 * dispatch waits on the CPU for the received-token counts, the all-to-all dispatcher copies the split
 * sizes to the host, and the grouped GEMM needs the tokens per expert as a host list in every dispatcher.
 * The last pipeline stage also waits after every micro-batch's loss (Megatron-LM's NaN check) and, with
 * Transformer Engine's cross entropy, before its backward ({@link CrossEntropyLoss}).
 */
final class FrameworkHost {
    /** CPU time per kernel launched in a loop over experts (median launch interval of the trace's per-expert GEMM loops). */
    static final long NS_PER_CPP_LAUNCH = 7_000;
    /** Backward launches over forward launches of a non-GEMM op (the trace's attention block: 106 / 69). */
    static final double BACKWARD_FACTOR = 1.5;
    /** GPU time between two queued kernels of one stream (median of the DeepSeek trace, see above). */
    static final long GPU_GAP_NS = 2_000;
    /** DDP forward pre-hook per module call, ns (tools/host-probe/ddp_hooks.py, see above). */
    static final long PRE_HOOK_NS_PER_MODULE = 1_900;
    /** DDP forward pre-hook per parameter of the module called, ns (same fit). */
    static final long PRE_HOOK_NS_PER_PARAM = 410;
    /** Per parameter in the backward: Transformer Engine's dummy gradient, autograd's accumulation and DDP's hook, ns. */
    static final long GRAD_HOOK_NS_PER_PARAM = 5_100;
    /**
     * An eager {@code add_} launched from Python, ns: what DDP's hook adds for a parameter whose gradient was not
     * accumulated into {@code main_grad} by its GEMM (norm weights, the router): {@code main_grad.add_(grad)}. Measured
     * on the probe machine, tools/hopper-probe results-2026-11-30-h200/run1/host.csv: 10.02 µs median.
     */
    static final long EAGER_ADD_NS = 10_000;
    /**
     * Kernels of Megatron-Core's {@code _DeepepManager._indices_to_multihot} (1e057005; its fused replacement is
     * behind {@code ENABLE_EXPERIMENTAL}): 12 ATen operations when run on the CPU under a dispatch-mode logger
     * ({@code tools/host-probe/count_deepep_ops.py}), 18 CUDA kernels: the two boolean-mask selections each run
     * {@code nonzero} (two kernels) before their gather, and {@code repeat_interleave} first sums its repeats (two
     * kernels). Each of those three waits for the GPU to learn its output size.
     */
    static final int MULTIHOT_KERNELS = 18;
    /** Its backward: the probabilities' gather, a zero fill, and a boolean-mask {@code index_put} (nonzero first). */
    static final int MULTIHOT_BACKWARD_KERNELS = 5;

    private final ModelSpec model;
    private final int localExperts;
    private final boolean enabled;
    private final long nsPerLaunch;
    private final CrossEntropyFusion crossEntropy;
    private final Dispatcher dispatcher;
    private final boolean gradHooks;
    private final boolean preHooks;
    private final RouterKernels router;
    private final boolean megatronDeepEp;

    /**
     * @param localExperts experts on each EP rank (0 for a dense model)
     * @param enabled      whether host overhead is modelled at all
     * @param nsPerLaunch  CPU time per kernel launched from Python ({@code strategy.hostLaunchUs})
     * @param crossEntropy the loss implementation, whose kernels {@link CrossEntropyLoss} counts
     * @param dispatcher   the MoE token dispatcher, whose exchange launches differ
     * @param gradHooks    whether Megatron-Core's DDP gradient hooks run (its DDP: not FSDP, not DualPipe's framework)
     * @param preHooks     whether its forward pre-hooks run too (the distributed optimizer with overlapped
     *                     parameter all-gather)
     * @param router       the router's kernel counts
     * @param megatronDeepEp whether DeepEP is driven by Megatron-Core's {@code _DeepepManager} (its top-k of the
     *                     routing map before the dispatch, its multihot conversion after it), not by DeepSeek's code
     */
    FrameworkHost(ModelSpec model, int localExperts, boolean enabled, long nsPerLaunch, CrossEntropyFusion crossEntropy,
                  Dispatcher dispatcher, boolean gradHooks, boolean preHooks, RouterKernels router,
                  boolean megatronDeepEp) {
        if (nsPerLaunch <= 0) {
            throw new IllegalArgumentException("host time per launch must be positive, got " + nsPerLaunch + " ns");
        }
        this.model = model;
        this.localExperts = localExperts;
        this.enabled = enabled;
        this.nsPerLaunch = nsPerLaunch;
        this.crossEntropy = crossEntropy;
        this.dispatcher = dispatcher;
        this.gradHooks = enabled && gradHooks;
        this.preHooks = this.gradHooks && preHooks;
        this.router = router;
        this.megatronDeepEp = megatronDeepEp && dispatcher == Dispatcher.DEEPEP;
    }

    /** A framework with the generic router counts (see {@link RouterKernels#generic}). */
    FrameworkHost(ModelSpec model, int localExperts, boolean enabled, long nsPerLaunch, CrossEntropyFusion crossEntropy,
                  Dispatcher dispatcher, boolean gradHooks, boolean preHooks) {
        this(model, localExperts, enabled, nsPerLaunch, crossEntropy, dispatcher, gradHooks, preHooks,
                RouterKernels.generic(), false);
    }

    /** A framework without Megatron-Core's DDP hooks (see {@link #FrameworkHost(ModelSpec, int, boolean, long,
     * CrossEntropyFusion, Dispatcher, boolean, boolean)}). */
    FrameworkHost(ModelSpec model, int localExperts, boolean enabled, long nsPerLaunch, CrossEntropyFusion crossEntropy,
                  Dispatcher dispatcher) {
        this(model, localExperts, enabled, nsPerLaunch, crossEntropy, dispatcher, false, false);
    }

    /** CPU time per kernel launched from Python, ns. */
    long nsPerLaunch() {
        return nsPerLaunch;
    }

    /** Whether host overhead is modelled at all. */
    boolean enabled() {
        return enabled;
    }

    /** CPU time to launch the kernels of forward op {@code name}. */
    long forwardNs(String name) {
        if (!enabled) {
            return 0;
        }
        return pythonLaunches(name) * nsPerLaunch + loopLaunches(name) * NS_PER_CPP_LAUNCH;
    }

    /** Kernels of forward op {@code name} (0 when the framework is not modelled). */
    int forwardKernels(String name) {
        return enabled ? pythonLaunches(name) + loopLaunches(name) : 0;
    }

    /** Kernels launched one by one from Python for forward op {@code name}. */
    private int pythonLaunches(String name) {
        String base = name.startsWith("shared-") ? name.substring("shared-".length()) : name;
        return switch (base) {
            case "attn-norm", "mlp-norm", "moe-norm", "tp-allgather", "tp-reducescatter", "out-proj", "residual",
                 "fc1", "fc2", "act", "expert-act", "unpermute", "embedding", "logits", "mtp-logits",
                 "shadow-broadcast" -> 1;
            case "qkv-proj" -> model.attention() instanceof GroupedQueryAttention ? 1 : 6;
            case "flash-attn" -> model.attention() instanceof GroupedQueryAttention gqa && gqa.qkNorm() ? 5 : 3;
            case "router" -> router.gating();
            case "mtp-proj" -> 2;
            case "loss" -> CrossEntropyLoss.forwardKernels(crossEntropy) - CrossEntropyLoss.CHECK_KERNELS;
            case "loss-check" -> CrossEntropyLoss.CHECK_KERNELS;
            case "topk" -> router.topk();
            case "permute" -> 3;
            // all-to-all: the tokens' and the probabilities' all-to-alls and the fused sort by local expert;
            // DeepEP: layout, notify and the exchange, after Megatron's top-k of the routing map (gather, sort)
            case "ep-dispatch" -> dispatcher == Dispatcher.ALLTOALL ? 4 : megatronDeepEp ? 3 + 2 : 3;
            case TrainingStepWorkload.EP_MULTIHOT -> megatronDeepEp ? MULTIHOT_KERNELS : 0;
            // all-to-all: the fused sort back and the all-to-all
            case "ep-combine" -> dispatcher == Dispatcher.ALLTOALL ? 3 : 1;
            // all-to-all dispatcher: eight counting kernels and five copies of split sizes to the host
            case TrainingStepWorkload.EP_PREPROCESS -> 13;
            case TrainingStepWorkload.EP_COUNT_ALLGATHER -> 1;
            case "expert-fc1", "expert-fc2" -> 1;
            case "cp-ring" -> 3;
            default -> 0;
        };
    }

    /** Kernels launched in a loop over local experts (one GEMM each) for forward op {@code name}. */
    private int loopLaunches(String name) {
        String base = name.startsWith("shared-") ? name.substring("shared-".length()) : name;
        return base.equals("expert-fc1") || base.equals("expert-fc2") ? localExperts : 0;
    }

    /** CPU time to launch the loss's backward kernels ({@link CrossEntropyLoss#backwardKernels}). */
    long lossBackwardNs() {
        return enabled ? CrossEntropyLoss.backwardKernels(crossEntropy) * nsPerLaunch : 0;
    }

    /** Kernels of the loss's backward (0 when the framework is not modelled). */
    int lossBackwardKernels() {
        return enabled ? CrossEntropyLoss.backwardKernels(crossEntropy) : 0;
    }

    /** Whether the CPU waits for the GPU before launching the loss's backward (Transformer Engine's check). */
    boolean lossBackwardSyncs() {
        return enabled && CrossEntropyLoss.backwardSyncs(crossEntropy);
    }

    /** CPU time of the backward of a non-GEMM op whose forward launch time is {@code forwardNs}. */
    static long backwardNs(long forwardNs) {
        return Math.round(forwardNs * BACKWARD_FACTOR);
    }

    /**
     * CPU time to launch the backward of non-GEMM forward op {@code name}, whose forward launches took
     * {@code forwardNs}: counted for the router's top-k ({@link RouterKernels}), else {@link #backwardNs}.
     */
    long backwardLaunchNs(String name, long forwardNs) {
        if (enabled && name.equals(TrainingStepWorkload.EP_MULTIHOT)) {
            return megatronDeepEp ? MULTIHOT_BACKWARD_KERNELS * nsPerLaunch : 0;
        }
        return enabled && name.equals("topk") ? router.topkBackward() * nsPerLaunch : backwardNs(forwardNs);
    }

    /** Kernels of the backward of non-GEMM forward op {@code name} with {@code forwardKernels} forward kernels. */
    int backwardKernels(String name, int forwardKernels) {
        if (enabled && name.equals(TrainingStepWorkload.EP_MULTIHOT)) {
            return megatronDeepEp ? MULTIHOT_BACKWARD_KERNELS : 0;
        }
        return enabled && name.equals("topk") ? router.topkBackward() : (int) Math.round(forwardKernels * BACKWARD_FACTOR);
    }

    /** CPU time to launch the data-gradient GEMM of GEMM op {@code name} (the forward's, except the router's). */
    long dgradLaunchNs(String name, long forwardNs) {
        return enabled && name.equals("router") ? router.gatingDgrad() * nsPerLaunch : forwardNs;
    }

    /** CPU time to launch the weight-gradient GEMM of GEMM op {@code name} (the forward's, except the router's). */
    long wgradLaunchNs(String name, long forwardNs) {
        return enabled && name.equals("router") ? router.gatingWgrad() * nsPerLaunch : forwardNs;
    }

    /** Kernels of the data- or weight-gradient part of GEMM op {@code name} with {@code forwardKernels}. */
    int gradientKernels(String name, int forwardKernels, boolean weight) {
        if (!enabled || !name.equals("router")) {
            return forwardKernels;
        }
        return weight ? router.gatingWgrad() : router.gatingDgrad();
    }

    /**
     * CPU time of the DDP forward pre-hooks that fire as forward op {@code name} starts: the modules called there and
     * the parameters they own (0 without DDP hooks). They fire again when the op is recomputed.
     */
    long preHookNs(String name) {
        if (!preHooks) {
            return 0;
        }
        int[] mp = modulesAndParams(name);
        return mp[0] * PRE_HOOK_NS_PER_MODULE + mp[1] * PRE_HOOK_NS_PER_PARAM;
    }

    /**
     * CPU time of the per-parameter backward work (dummy gradient, accumulation, DDP hook) of the parameters whose
     * gradients the backward of forward op {@code name} computes (0 without DDP hooks).
     */
    long gradHookNs(String name) {
        return gradHooks ? gradParams(name) * GRAD_HOOK_NS_PER_PARAM + unfusedParams(name) * EAGER_ADD_NS : 0;
    }

    /** Modules called and parameters owned at the start of forward op {@code name}, Megatron-Core's TE layer spec. */
    private int[] modulesAndParams(String name) {
        boolean gqa = model.attention() instanceof GroupedQueryAttention;
        return switch (name) {
            // the layer, its input norm (identity: fused into the QKV linear for GQA; a norm for MLA), self-attention,
            // and for GQA the fused norm + QKV linear with its two parameters
            case "attn-norm" -> gqa ? new int[]{4, 2} : new int[]{3, 1};
            // MLA: the query and key/value down- and up-projections, the up-projections with their fused norms
            case "qkv-proj" -> gqa ? new int[]{0, 0} : new int[]{4, 6};
            // the two QK norms (identities without QK-norm) and the attention module with its backend
            case "flash-attn" -> gqa ? new int[]{4, qkNorm() ? 2 : 0} : new int[]{2, 0};
            // the output projection and the two identity cross-attention modules
            case "out-proj" -> new int[]{3, 1};
            // the MoE layer's norm and the MoE layer
            case "moe-norm" -> new int[]{2, 1};
            case "router" -> new int[]{1, 1};
            // the expert MLP and its first grouped linear (one weight per local expert)
            case "expert-fc1" -> new int[]{2, localExperts};
            case "expert-fc2" -> new int[]{1, localExperts};
            // a dense layer: the identity norm (fused into fc1) and the MLP
            case "mlp-norm" -> new int[]{2, 0};
            case "fc1" -> new int[]{1, 2};
            case "fc2", "shared-fc2" -> new int[]{1, 1};
            // the shared-expert MLP and its first linear (its norm is the MoE layer's)
            case "shared-fc1" -> new int[]{2, 1};
            default -> new int[]{0, 0};
        };
    }

    /** Parameters whose gradients the backward of forward op {@code name} computes. */
    private int gradParams(String name) {
        boolean gqa = model.attention() instanceof GroupedQueryAttention;
        return switch (name) {
            case "attn-norm" -> gqa ? 0 : 1;
            case "qkv-proj" -> gqa ? 2 : 6;
            case "flash-attn" -> gqa && qkNorm() ? 2 : 0;
            case "out-proj", "moe-norm", "router", "fc2", "shared-fc1", "shared-fc2" -> 1;
            case "fc1" -> 2;
            case "expert-fc1", "expert-fc2" -> localExperts;
            default -> 0;
        };
    }

    /**
     * Of {@link #gradParams}, those whose gradient DDP's hook adds into {@code main_grad} with an eager {@code add_}:
     * Transformer Engine accumulates only linear weights in their GEMMs, so norm weights (also those fused into a
     * linear) and the router's weight are added by the hook.
     */
    private int unfusedParams(String name) {
        boolean gqa = model.attention() instanceof GroupedQueryAttention;
        return switch (name) {
            case "attn-norm" -> gqa ? 0 : 1;
            case "qkv-proj" -> gqa ? 1 : 2;
            case "flash-attn" -> qkNorm() ? 2 : 0;
            case "moe-norm", "router", "fc1" -> 1;
            default -> 0;
        };
    }

    private boolean qkNorm() {
        return model.attention() instanceof GroupedQueryAttention g && g.qkNorm();
    }

    /** Whether the CPU waits for the GPU before launching forward op {@code name}. */
    boolean syncsBefore(String name) {
        return enabled && (name.equals("ep-dispatch") || name.equals("loss-check")
                || megatronDeepEp && name.equals(TrainingStepWorkload.EP_MULTIHOT));
    }
}
