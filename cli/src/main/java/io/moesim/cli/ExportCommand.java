package io.moesim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.io.InputException;
import io.moesim.io.Json;
import io.moesim.io.ScenarioJson;
import io.moesim.io.ScenarioReader;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim export FILE --format megatron|deepspeed|scenario}: the scenario's layout as a runtime's
 * configuration. Megatron-LM flag names follow {@code megatron/training/arguments.py}; DeepSpeed keys
 * follow its config documentation, with the MoE layer's constructor arguments of
 * {@code deepspeed/moe/layer.py} beside them; {@code scenario} is the canonical scenario JSON, which
 * simulates to the same result as the original.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Prints a training-step scenario as Megatron-LM arguments, a DeepSpeed config, or the canonical scenario JSON.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "scenario JSON file")
    Path file;

    @Option(names = "--format", required = true, paramLabel = "F", description = "megatron | deepspeed | scenario")
    String format;

    /** The formats {@code --format} accepts. */
    static final List<String> FORMATS = List.of("megatron", "deepspeed", "scenario");

    @Override
    public Integer call() throws InputException {
        ModelCatalog catalog = ModelCatalog.builtIn();
        String f = checkFormat("--format", format);
        Scenario s = new ScenarioReader(catalog).read(file);
        requireTraining(s, f, file);
        spec.commandLine().getOut().print(render(s, f, catalog, file));
        return ExitCodes.OK;
    }

    /**
     * The format in lower case.
     *
     * @throws BadArgumentException naming {@code option} when the format is unknown
     */
    static String checkFormat(String option, String format) {
        String f = format.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(f)) {
            throw new BadArgumentException(option + ": expected megatron, deepspeed or scenario, got '" + format + "'");
        }
        return f;
    }

    /** The Megatron-LM and DeepSpeed formats describe training runs only. */
    static void requireTraining(Scenario s, String format, Path file) {
        if (!format.equals("scenario") && s.workload() != Workload.TRAINING_STEP) {
            throw new BadArgumentException(file + ": workload: --format " + format + " needs a training-step scenario, got "
                    + s.workload().id());
        }
    }

    /**
     * The scenario in a checked format ({@link #checkFormat}), exactly as {@code moe-sim export} prints it: Megatron-LM
     * arguments one per line, or pretty-printed JSON.
     *
     * @param file the scenario file (paths in the canonical scenario are written relative to it)
     */
    static String render(Scenario s, String format, ModelCatalog catalog, Path file) {
        return switch (format) {
            case "megatron" -> String.join(" \\\n  ", megatron(s)) + System.lineSeparator();
            case "deepspeed" -> Json.pretty(deepspeed(s));
            case "scenario" -> Json.pretty(ScenarioJson.toJson(s, catalog, file));
            default -> throw new IllegalArgumentException("unchecked format " + format);
        };
    }

    /** The scenario in a checked format as a JSON value: the arguments as an array of strings, or the JSON object. */
    static JsonNode renderJson(Scenario s, String format, ModelCatalog catalog, Path file) {
        return switch (format) {
            case "megatron" -> {
                ArrayNode a = Json.mapper().createArrayNode();
                megatron(s).forEach(a::add);
                yield a;
            }
            case "deepspeed" -> deepspeed(s);
            case "scenario" -> ScenarioJson.toJson(s, catalog, file);
            default -> throw new IllegalArgumentException("unchecked format " + format);
        };
    }

    /** Megatron-LM command-line arguments for the scenario. */
    static List<String> megatron(Scenario s) {
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
            a.add("--recompute-modules layernorm moe_act");
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
        if (p.zeroStage() >= 1) {
            a.add("--overlap-param-gather");
        }
        a.add("--bf16");
        if (s.precision() == Precision.FP8) {
            a.add("--fp8-format hybrid");
        }
        return a;
    }

    /** A DeepSpeed config for the scenario, with the MoE layer's arguments under {@code moe_layer_args}. */
    static ObjectNode deepspeed(Scenario s) {
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
