package io.moesim.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.layout.PipelineSplit;
import io.moesim.model.Activation;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A training-step scenario as a training framework's launch configuration: Megatron-LM command-line
 * arguments (flag names of {@code megatron/training/arguments.py}), a DeepSpeed config (keys of its config
 * documentation, with the constructor arguments of {@code deepspeed/moe/layer.py} beside them), or the
 * canonical scenario JSON ({@link ScenarioJson}). {@code moe-sim export} and the workbench's Export both
 * render through this class, so they write the same bytes.
 *
 * <pre>{@code
 * Scenario s = new ScenarioReader(ModelCatalog.builtIn()).read(file);
 * String flags = LaunchFlags.render(s, LaunchFlags.Format.MEGATRON, catalog, file);
 * // --num-layers 94 \ (newline) --hidden-size 4096 \ ... --tensor-model-parallel-size 2 \ ...
 * }</pre>
 *
 * @implNote stateless and thread-safe.
 */
public final class LaunchFlags {
    /** What to render. */
    public enum Format {
        /** Megatron-LM arguments, one per line, joined by shell line continuations */
        MEGATRON("megatron"),
        /** a DeepSpeed config (pretty-printed JSON) */
        DEEPSPEED("deepspeed"),
        /** the canonical scenario JSON: every default explicit; it simulates to the identical result */
        SCENARIO("scenario");

        private final String id;

        Format(String id) {
            this.id = id;
        }

        /** The name {@code moe-sim export --format} takes. */
        public String id() {
            return id;
        }

        /** Whether the format describes a training run (Megatron-LM, DeepSpeed), so needs a training step. */
        public boolean needsTrainingStep() {
            return this != SCENARIO;
        }

        /**
         * The format named {@code id}, in any case.
         *
         * @throws IllegalArgumentException for another name, listing the known ones
         */
        public static Format fromId(String id) {
            String f = id.toLowerCase(Locale.ROOT);
            for (Format x : values()) {
                if (x.id.equals(f)) {
                    return x;
                }
            }
            throw new IllegalArgumentException("expected megatron, deepspeed or scenario, got '" + id + "'");
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private LaunchFlags() {
    }

    /**
     * Why the scenario cannot be rendered in the format — {@code --format megatron needs a training-step
     * scenario, got dispatch} — or null when it can.
     */
    public static String problem(Scenario s, Format format) {
        if (format.needsTrainingStep() && s.workload() != Workload.TRAINING_STEP) {
            return "--format " + format.id() + " needs a training-step scenario, got " + s.workload().id();
        }
        return null;
    }

    private static void requireTraining(Scenario s, Format format) {
        String p = problem(s, format);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
    }

    /**
     * The scenario as text, exactly as {@code moe-sim export} prints it: Megatron-LM arguments one per line,
     * joined by shell line continuations (a space, a backslash, a newline, two spaces) and ending with the
     * platform's line separator; or pretty-printed JSON.
     *
     * @param file where the scenario lives: paths in the canonical scenario are written relative to it
     * @throws IllegalArgumentException when the format needs a training step and the scenario is not one
     */
    public static String render(Scenario s, Format format, ModelCatalog catalog, Path file) {
        return switch (format) {
            case MEGATRON -> String.join(" \\\n  ", megatron(s)) + System.lineSeparator();
            case DEEPSPEED -> Json.pretty(deepspeed(s));
            case SCENARIO -> Json.pretty(ScenarioJson.toJson(s, catalog, file));
        };
    }

    /**
     * The scenario as a JSON value: the Megatron-LM arguments as an array of strings, or the JSON object.
     *
     * @throws IllegalArgumentException when the format needs a training step and the scenario is not one
     */
    public static JsonNode renderJson(Scenario s, Format format, ModelCatalog catalog, Path file) {
        return switch (format) {
            case MEGATRON -> {
                ArrayNode a = Json.mapper().createArrayNode();
                megatron(s).forEach(a::add);
                yield a;
            }
            case DEEPSPEED -> deepspeed(s);
            case SCENARIO -> ScenarioJson.toJson(s, catalog, file);
        };
    }

    /**
     * Megatron-LM command-line arguments for a training-step scenario, one flag (with its value) per
     * element, in the order {@code moe-sim export --format megatron} prints them: model shape, batch,
     * parallel layout (TP with sequence parallelism, PP with the uneven split spelled out, VPP, CP, EP,
     * ETP), MoE routing and dispatcher, recomputation, optimizer sharding, precision.
     *
     * @throws IllegalArgumentException when the scenario is not a training step
     */
    public static List<String> megatron(Scenario s) {
        requireTraining(s, Format.MEGATRON);
        ModelSpec m = s.model();
        ParallelLayout p = s.parallel();
        List<String> a = new ArrayList<>();
        a.add("--num-layers " + m.layers());
        a.add("--hidden-size " + m.hidden());
        a.add("--ffn-hidden-size " + m.ffn());
        if (m.attention() instanceof GroupedQueryAttention gqa) {
            a.add("--num-attention-heads " + gqa.heads());
            if (gqa.kvHeads() != gqa.heads()) {
                a.add("--group-query-attention");
                a.add("--num-query-groups " + gqa.kvHeads());
            }
            if (gqa.headDim() * gqa.heads() != m.hidden()) {
                a.add("--kv-channels " + gqa.headDim());
            }
            if (gqa.qkvBias()) {
                a.add("--add-qkv-bias");
            }
            if (gqa.qkNorm()) {
                a.add("--qk-layernorm");
            }
        } else if (m.attention() instanceof MultiLatentAttention mla) {
            a.add("--num-attention-heads " + mla.heads());
            a.add("--multi-latent-attention");
            if (mla.hasQueryLora()) {
                a.add("--q-lora-rank " + mla.qLoraRank());
            }
            a.add("--kv-lora-rank " + mla.kvLoraRank());
            a.add("--qk-head-dim " + mla.qkNopeHeadDim());
            a.add("--qk-pos-emb-head-dim " + mla.qkRopeHeadDim());
            a.add("--v-head-dim " + mla.vHeadDim());
        }
        if (m.activation() == Activation.SWIGLU) {
            a.add("--swiglu");
        }
        if (!m.tiedEmbeddings()) {
            a.add("--untie-embeddings-and-output-weights");
        }
        a.add("--seq-length " + s.batch().seqLen());
        a.add("--max-position-embeddings " + s.batch().seqLen());
        a.add("--micro-batch-size " + s.batch().microBatch());
        a.add("--global-batch-size " + s.batch().globalBatch());
        a.add("--tensor-model-parallel-size " + p.tp());
        if (p.tp() > 1) {
            a.add("--sequence-parallel");
        }
        a.add("--pipeline-model-parallel-size " + p.pp());
        if (p.vpp() > 1) {
            a.add("--num-virtual-stages-per-pipeline-rank " + p.vpp());
        }
        int stages = p.virtualStages();
        int layers = m.layers();
        if (stages > 1 && layers % stages != 0) {
            if ((layers + 1) % stages == 0) {
                a.add("--account-for-embedding-in-pipeline-split");
            } else if ((layers + 2) % stages == 0) {
                a.add("--account-for-embedding-in-pipeline-split");
                a.add("--account-for-loss-in-pipeline-split");
            } else {
                int[] counts = PipelineSplit.counts(layers, stages);
                a.add("--decoder-first-pipeline-num-layers " + counts[0]);
                a.add("--decoder-last-pipeline-num-layers " + counts[stages - 1]);
            }
        }
        a.add("--context-parallel-size " + p.cp());
        MoeSpec moe = m.moe();
        if (moe != null) {
            a.add("--num-experts " + moe.experts());
            a.add("--moe-ffn-hidden-size " + moe.expertFfn());
            a.add("--moe-router-topk " + moe.topK());
            if (moe.sharedFfnTotal() > 0) {
                a.add("--moe-shared-expert-intermediate-size " + moe.sharedFfnTotal());
            }
            if (moe.firstDenseLayers() > 0 || moe.layerInterval() > 1) {
                StringBuilder freq = new StringBuilder("'[");
                for (int l = 0; l < layers; l++) {
                    freq.append(l == 0 ? "" : ",").append(m.isMoeLayer(l) ? 1 : 0);
                }
                a.add("--moe-layer-freq " + freq.append("]'"));
            }
            if (moe.expertGroups() > 1) {
                a.add("--moe-router-num-groups " + moe.expertGroups());
                a.add("--moe-router-group-topk " + moe.topKGroups());
            }
            a.add("--expert-model-parallel-size " + p.ep());
            a.add("--expert-tensor-parallel-size " + p.etp());
            a.add("--moe-grouped-gemm");
            Dispatcher d = s.moe().dispatcher();
            a.add("--moe-token-dispatcher-type " + (d == Dispatcher.DEEPEP ? "flex" : d.id()));
            if (d == Dispatcher.DEEPEP) {
                a.add("--moe-enable-deepep");
            }
            if (s.moe().capacityFactor() != null) {
                a.add("--moe-expert-capacity-factor " + s.moe().capacityFactor());
                if (s.strategy().knobs().padToCapacity()) {
                    a.add("--moe-pad-expert-input-to-capacity");
                }
            }
            if (s.strategy().a2aOverlap()) {
                a.add("--overlap-moe-expert-parallel-comm");
                a.add("--delay-wgrad-compute");
            }
            if (s.strategy().knobs().sharedExpertOverlap()) {
                a.add("--moe-shared-expert-overlap");
            }
        }
        if (m.mtpLayers() > 0) {
            a.add("--mtp-num-layers " + m.mtpLayers());
        }
        if (s.recompute() == Recompute.SELECTIVE) {
            a.add("--recompute-granularity selective");
            StringBuilder modules = new StringBuilder("--recompute-modules");
            s.recomputeModules().forEach(mod -> modules.append(' ').append(mod.id()));
            a.add(modules.toString());
        } else if (s.recompute() == Recompute.FULL) {
            a.add("--recompute-granularity full");
            a.add("--recompute-method uniform");
            a.add("--recompute-num-layers 1");
        }
        if (p.fsdp()) {
            a.add("--use-megatron-fsdp");
        } else if (p.zeroStage() >= 1) {
            a.add("--use-distributed-optimizer");
        }
        a.add("--overlap-grad-reduce");
        io.moesim.scenario.CrossEntropyFusion ce = s.strategy().knobs().crossEntropyFusion();
        if (ce != io.moesim.scenario.CrossEntropyFusion.NONE) {
            a.add("--cross-entropy-loss-fusion");
            a.add("--cross-entropy-fusion-impl " + ce.id());
        }
        if (p.zeroStage() >= 1) {
            a.add("--overlap-param-gather");
        }
        a.add("--bf16");
        if (s.precision() == Precision.FP8) {
            a.add("--fp8-format hybrid");
        }
        return a;
    }

    /**
     * A DeepSpeed config ({@code ds_config}) for a training-step scenario: batch sizes and gradient
     * accumulation, bf16, the ZeRO stage, activation checkpointing, pipeline stages; the constructor
     * arguments of {@code deepspeed.moe.layer.MoE} under {@code moe_layer_args} (not a ds_config key) and
     * the tensor-parallel size under {@code _tensor_parallel_size}.
     *
     * @throws IllegalArgumentException when the scenario is not a training step
     */
    public static ObjectNode deepspeed(Scenario s) {
        requireTraining(s, Format.DEEPSPEED);
        ParallelLayout p = s.parallel();
        int dp = p.dp(s.cluster().gpuCount());
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("train_batch_size", s.batch().globalBatch());
        o.put("train_micro_batch_size_per_gpu", s.batch().microBatch());
        o.put("gradient_accumulation_steps", s.batch().globalBatch() / (s.batch().microBatch() * dp));
        o.putObject("bf16").put("enabled", true);
        o.putObject("zero_optimization").put("stage", p.zeroStage());
        if (s.recompute() != Recompute.NONE) {
            o.putObject("activation_checkpointing").put("partition_activations", p.tp() > 1)
                    .put("contiguous_memory_optimization", false);
        }
        MoeSpec moe = s.model().moe();
        if (moe != null) {
            ObjectNode args = o.putObject("moe_layer_args");
            args.put("_comment", "arguments of deepspeed.moe.layer.MoE, not ds_config keys");
            args.put("num_experts", moe.experts());
            args.put("ep_size", p.ep());
            args.put("k", moe.topK());
            Double cf = s.moe().capacityFactor();
            args.put("capacity_factor", cf == null ? 1.0 : cf);
            args.put("drop_tokens", cf != null);
            args.put("use_residual", moe.sharedFfnTotal() > 0);
        }
        if (p.pp() > 1) {
            o.putObject("pipeline").put("stages", p.pp());
        }
        o.put("_tensor_parallel_size", p.tp());
        return o;
    }
}
