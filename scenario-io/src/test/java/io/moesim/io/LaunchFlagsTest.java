package io.moesim.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchFlagsTest {
    private static final Path VALIDATION = Path.of("..", "validation", "scenarios");
    private static final Path QWEN = VALIDATION.resolve("qwen3-235b-h100x256-deepep.json");
    private static final Path DEEPSEEK = Path.of("..", "examples", "deepseek-v3-h800x2048-zipf.json");
    private final ModelCatalog catalog = ModelCatalog.builtIn();
    private final ScenarioReader reader = new ScenarioReader(catalog);

    @TempDir
    Path dir;

    @Test
    void megatronArgumentsCarryTheLayoutBatchAndMoeShape() throws Exception {
        Scenario s = reader.read(QWEN);
        // tp 2, pp 8, vpp 4 (94 layers + embedding + loss = 96 = 8 x 4 x 3), cp 1, ep 32, etp 1, mbs 1, gbs 2048
        List<String> flags = LaunchFlags.megatron(s);
        assertThat(flags).contains("--num-layers 94", "--hidden-size 4096", "--num-attention-heads 64",
                "--group-query-attention", "--num-query-groups 4", "--kv-channels 128", "--qk-layernorm", "--swiglu",
                "--seq-length 4096", "--micro-batch-size 1", "--global-batch-size 2048",
                "--tensor-model-parallel-size 2", "--sequence-parallel", "--pipeline-model-parallel-size 8",
                "--num-virtual-stages-per-pipeline-rank 4", "--account-for-embedding-in-pipeline-split",
                "--account-for-loss-in-pipeline-split", "--context-parallel-size 1", "--num-experts 128",
                "--moe-ffn-hidden-size 1536", "--moe-router-topk 8", "--expert-model-parallel-size 32",
                "--expert-tensor-parallel-size 1", "--moe-token-dispatcher-type flex", "--moe-enable-deepep",
                "--recompute-granularity selective", "--use-distributed-optimizer", "--bf16");
        assertThat(flags).noneMatch(f -> f.startsWith("--moe-expert-capacity-factor") || f.startsWith("--fp8")
                || f.startsWith("--cross-entropy"));
        assertThat(flags).doesNotHaveDuplicates();
        // the text form: one flag per line with shell continuations, the JSON form: the same flags as strings
        String text = LaunchFlags.render(s, LaunchFlags.Format.MEGATRON, catalog, QWEN);
        assertThat(text).isEqualTo(String.join(" \\\n  ", flags) + System.lineSeparator());
        JsonNode array = LaunchFlags.renderJson(s, LaunchFlags.Format.MEGATRON, catalog, QWEN);
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(flags.size());
        assertThat(array.get(14).asText()).isEqualTo(flags.get(14));
    }

    @Test
    void megatronArgumentsOfAnMlaModelWithDenseLayersAndFp8() throws Exception {
        Scenario s = reader.read(DEEPSEEK);
        List<String> flags = LaunchFlags.megatron(s);
        // DeepSeek-V3: MLA (q-LoRA 1536, kv-LoRA 512, qk 128 + rope 64, v 128), first 3 layers dense, 8 groups top-4
        assertThat(flags).contains("--multi-latent-attention", "--q-lora-rank 1536", "--kv-lora-rank 512",
                "--qk-head-dim 128", "--qk-pos-emb-head-dim 64", "--v-head-dim 128", "--moe-router-num-groups 8",
                "--moe-router-group-topk 4", "--num-experts 256", "--expert-model-parallel-size 64",
                "--tensor-model-parallel-size 1", "--pipeline-model-parallel-size 16", "--fp8-format hybrid",
                "--mtp-num-layers 1");
        assertThat(flags).noneMatch(f -> f.equals("--sequence-parallel") || f.startsWith("--group-query-attention"));
        String freq = flags.stream().filter(f -> f.startsWith("--moe-layer-freq ")).findFirst().orElseThrow();
        assertThat(freq).startsWith("--moe-layer-freq '[0,0,0,1,1").endsWith("1]'");
        assertThat(freq.chars().filter(c -> c == '0').count()).isEqualTo(3);
    }

    @Test
    void deepspeedConfigSplitsTheGlobalBatchAndCarriesTheMoeArguments() throws Exception {
        Scenario s = reader.read(QWEN);
        ObjectNode ds = LaunchFlags.deepspeed(s);
        int dp = s.parallel().dp(s.cluster().gpuCount());   // 256 / (2 * 8) = 16
        assertThat(dp).isEqualTo(16);
        assertThat(ds.get("train_batch_size").asInt()).isEqualTo(2048);
        assertThat(ds.get("train_micro_batch_size_per_gpu").asInt()).isEqualTo(1);
        assertThat(ds.get("gradient_accumulation_steps").asInt()).isEqualTo(2048 / 16);
        assertThat(ds.at("/zero_optimization/stage").asInt()).isEqualTo(1);
        assertThat(ds.at("/pipeline/stages").asInt()).isEqualTo(8);
        assertThat(ds.at("/activation_checkpointing/partition_activations").asBoolean()).isTrue();
        assertThat(ds.at("/moe_layer_args/num_experts").asInt()).isEqualTo(128);
        assertThat(ds.at("/moe_layer_args/ep_size").asInt()).isEqualTo(32);
        assertThat(ds.at("/moe_layer_args/k").asInt()).isEqualTo(8);
        assertThat(ds.at("/moe_layer_args/drop_tokens").asBoolean()).isFalse();
        assertThat(ds.get("_tensor_parallel_size").asInt()).isEqualTo(2);
        assertThat(LaunchFlags.render(s, LaunchFlags.Format.DEEPSPEED, catalog, QWEN)).isEqualTo(Json.pretty(ds));
    }

    @Test
    void aCapacityFactorBecomesTokenDroppingInBothFormats() throws Exception {
        Path f = dir.resolve("cf.json");
        Files.writeString(f, Files.readString(QWEN).replace("\"capacityFactor\": null", "\"capacityFactor\": 1.25"));
        Scenario s = reader.read(f);
        assertThat(s.moe().capacityFactor()).isEqualTo(1.25);
        assertThat(LaunchFlags.megatron(s)).contains("--moe-expert-capacity-factor 1.25")
                .doesNotContain("--moe-pad-expert-input-to-capacity");
        ObjectNode ds = LaunchFlags.deepspeed(s);
        assertThat(ds.at("/moe_layer_args/capacity_factor").asDouble()).isEqualTo(1.25);
        assertThat(ds.at("/moe_layer_args/drop_tokens").asBoolean()).isTrue();
    }

    @Test
    void aDispatchScenarioHasNoLaunchFlagsButAScenarioExport() throws Exception {
        Path file = VALIDATION.resolve("deepep-h800-ep8-normal.json");
        Scenario s = reader.read(file);
        assertThat(LaunchFlags.problem(s, LaunchFlags.Format.MEGATRON))
                .isEqualTo("--format megatron needs a training-step scenario, got dispatch");
        assertThat(LaunchFlags.problem(s, LaunchFlags.Format.SCENARIO)).isNull();
        assertThatThrownBy(() -> LaunchFlags.render(s, LaunchFlags.Format.DEEPSPEED, catalog, file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--format deepspeed needs a training-step");
        String json = LaunchFlags.render(s, LaunchFlags.Format.SCENARIO, catalog, file);
        Path copy = dir.resolve("copy.json");
        Files.writeString(copy, json);
        assertThat(reader.read(copy)).isEqualTo(s);
    }

    @Test
    void aFusedCrossEntropyBecomesMegatronsTwoFlagsAndSurvivesTheScenarioExport() throws Exception {
        // the long-context runs' configuration used Transformer Engine's cross entropy
        Path file = Path.of("..", "validation", "extra", "scenarios", "qwen3-235b-h100x256-deepep-tp4-seq16k-cp1.json");
        Scenario s = reader.read(file);
        assertThat(s.strategy().knobs().crossEntropyFusion()).isEqualTo(io.moesim.scenario.CrossEntropyFusion.TE);
        assertThat(LaunchFlags.megatron(s)).contains("--cross-entropy-loss-fusion", "--cross-entropy-fusion-impl te");
        String json = LaunchFlags.render(s, LaunchFlags.Format.SCENARIO, catalog, file);
        assertThat(json).contains("\"crossEntropyFusion\": \"te\"");
        Path copy = dir.resolve("ce.json");
        Files.writeString(copy, json);
        assertThat(reader.read(copy)).isEqualTo(s);
        // Megatron's default is unfused: written out explicitly, and no flag
        String qwen = LaunchFlags.render(reader.read(QWEN), LaunchFlags.Format.SCENARIO, catalog, QWEN);
        assertThat(qwen).contains("\"crossEntropyFusion\": \"none\"");
    }

    @Test
    void recomputeModulesBecomeMegatronsFlagAndSurviveTheScenarioExport() throws Exception {
        Path file = Path.of("..", "validation", "extra", "scenarios", "qwen3-235b-h100x256-deepep-tp4-seq16k-cp1.json");
        Scenario s = reader.read(file);
        assertThat(LaunchFlags.megatron(s)).contains("--recompute-granularity selective", "--recompute-modules layernorm moe");
        assertThat(LaunchFlags.megatron(reader.read(QWEN))).contains("--recompute-modules layernorm moe_act");
        String json = LaunchFlags.render(s, LaunchFlags.Format.SCENARIO, catalog, file);
        assertThat(json).contains("\"recomputeModules\"");
        Path copy = dir.resolve("copy.json");
        Files.writeString(copy, json);
        assertThat(reader.read(copy)).isEqualTo(s);
    }

    @Test
    void formatsAreNamedAsTheCommandLineNamesThem() {
        assertThat(LaunchFlags.Format.fromId("Megatron")).isEqualTo(LaunchFlags.Format.MEGATRON);
        assertThat(LaunchFlags.Format.fromId("deepspeed")).isEqualTo(LaunchFlags.Format.DEEPSPEED);
        assertThat(LaunchFlags.Format.SCENARIO.id()).isEqualTo("scenario");
        assertThatThrownBy(() -> LaunchFlags.Format.fromId("slurm")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected megatron, deepspeed or scenario, got 'slurm'");
    }
}
