package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExportCommandTest {
    private static final Path SCENARIOS = Path.of("..", "validation", "scenarios");
    private static final Path QWEN = SCENARIOS.resolve("qwen3-235b-h100x256-deepep.json");

    @TempDir
    Path dir;

    @Test
    void megatronFlagsCarryTheScenarioLayout() {
        CliRun run = CliRun.of("export", QWEN.toString(), "--format", "megatron");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> flags = Stream.of(run.out().split("\\\\\n")).map(String::strip).toList();
        // qwen3-235b-h100x256-deepep.json: tp 2, pp 8, vpp 4 (94 layers + embedding + loss = 96 = 8 x 4 x 3), ep 32, etp 1, mbs 1, gbs 2048, seq 4096
        assertThat(flags).contains("--tensor-model-parallel-size 2", "--pipeline-model-parallel-size 8",
                "--num-virtual-stages-per-pipeline-rank 4", "--account-for-embedding-in-pipeline-split",
                "--account-for-loss-in-pipeline-split", "--context-parallel-size 1", "--expert-model-parallel-size 32",
                "--expert-tensor-parallel-size 1", "--micro-batch-size 1", "--global-batch-size 2048",
                "--seq-length 4096", "--num-experts 128", "--moe-router-topk 8", "--moe-token-dispatcher-type flex",
                "--moe-enable-deepep", "--moe-grouped-gemm", "--use-distributed-optimizer", "--overlap-grad-reduce",
                "--sequence-parallel", "--num-layers 94", "--group-query-attention", "--num-query-groups 4",
                "--qk-layernorm", "--bf16");
        assertThat(flags).noneMatch(f -> f.startsWith("--moe-expert-capacity-factor"));
    }

    @Test
    void deepspeedConfigCarriesBatchAndMoeArguments() throws Exception {
        CliRun run = CliRun.of("export", SCENARIOS.resolve("mixtral-8x22b-h100x128-balanced.json").toString(), "--format",
                "deepspeed");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode n = Json.mapper().readTree(run.out());
        Scenario s = new ScenarioReader(ModelCatalog.builtIn()).read(SCENARIOS.resolve("mixtral-8x22b-h100x128-balanced.json"));
        int dp = s.parallel().dp(s.cluster().gpuCount());
        assertThat(n.get("train_batch_size").asInt()).isEqualTo(s.batch().globalBatch());
        assertThat(n.get("train_micro_batch_size_per_gpu").asInt()).isEqualTo(s.batch().microBatch());
        assertThat(n.get("gradient_accumulation_steps").asInt() * s.batch().microBatch() * dp)
                .isEqualTo(s.batch().globalBatch());
        assertThat(n.at("/moe_layer_args/num_experts").asInt()).isEqualTo(8);
        assertThat(n.at("/moe_layer_args/k").asInt()).isEqualTo(2);
        assertThat(n.at("/moe_layer_args/ep_size").asInt()).isEqualTo(s.parallel().ep());
        assertThat(n.at("/bf16/enabled").asBoolean()).isTrue();
    }

    static Stream<Path> scenarios() throws Exception {
        Stream<Path> validation = Files.list(SCENARIOS);
        Stream<Path> examples = Files.list(Path.of("..", "examples")).filter(p -> p.toString().endsWith(".json"));
        return Stream.concat(validation, examples).sorted();
    }

    /** Exporting as a scenario and reading it back gives an equal scenario that simulates to identical JSON. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void scenarioExportRoundTripsExactly(Path original) throws Exception {
        CliRun export = CliRun.of("export", original.toString(), "--format", "scenario");
        assertThat(export.exitCode()).as(export.err()).isZero();
        Path copy = dir.resolve("exported.json");
        Files.writeString(copy, export.out());
        ScenarioReader reader = new ScenarioReader(ModelCatalog.builtIn());
        assertThat(reader.read(copy)).isEqualTo(reader.read(original));
        if (original.getFileName().toString().startsWith("deepseek-v3-h800x2048")) {
            return; // equal scenarios; simulating 2048 GPUs twice adds seconds for nothing
        }
        CliRun a = CliRun.of("simulate", original.toString(), "--json");
        CliRun b = CliRun.of("simulate", copy.toString(), "--json");
        assertThat(b.exitCode()).isEqualTo(a.exitCode());
        assertThat(stripName(b.out())).isEqualTo(stripName(a.out()));
    }

    private static String stripName(String json) {
        return json.replaceAll("\"scenario\"\\s*:\\s*\"[^\"]*\",?", "");
    }

    @Test
    void badFormatAndNonTrainingWorkloadExitTwo() {
        CliRun bad = CliRun.of("export", QWEN.toString(), "--format", "slurm");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--format: expected megatron, deepspeed or scenario, got 'slurm'")
                .doesNotContain("Exception");
        CliRun dispatch = CliRun.of("export", SCENARIOS.resolve("deepep-h800-ep8-normal.json").toString(), "--format",
                "megatron");
        assertThat(dispatch.exitCode()).isEqualTo(2);
        assertThat(dispatch.err()).contains("workload: --format megatron needs a training-step scenario, got dispatch");
        CliRun missing = CliRun.of("export", dir.resolve("none.json").toString(), "--format", "scenario");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.out()).isEmpty();
    }
}
