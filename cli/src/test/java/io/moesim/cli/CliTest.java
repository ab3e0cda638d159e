package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import io.moesim.model.ModelCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final Path VALIDATION = Path.of("..", "validation", "scenarios");

    @TempDir
    Path dir;

    private static void assertNoStackTrace(CliRun run) {
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void flopsJsonHasTheContractFields() throws Exception {
        CliRun run = CliRun.of("flops", "qwen3-235b-a22b", "--seq", "4096", "--json");
        assertThat(run.exitCode()).isZero();
        JsonNode n = Json.mapper().readTree(run.out());
        assertThat(n.get("trainingFlopsPerToken").asDouble()).isBetween(148.0e9 * 0.985, 148.0e9 * 1.015);
        assertThat(n.get("totalParams").asDouble()).isBetween(235.1e9 * 0.98, 235.1e9 * 1.02);
        assertThat(n.get("activeParams").asDouble()).isBetween(22.1e9 * 0.96, 22.1e9 * 1.04);
        assertThat(n.get("forwardFlopsPerToken").asDouble() * 3).isEqualTo(n.get("trainingFlopsPerToken").asDouble());
    }

    @Test
    void flopsAcceptsAHuggingFaceConfig() throws Exception {
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, """
                {"model_type": "mixtral", "hidden_size": 4096, "intermediate_size": 14336,
                 "num_attention_heads": 32, "num_key_value_heads": 8, "num_hidden_layers": 32,
                 "num_local_experts": 8, "num_experts_per_tok": 2, "vocab_size": 32000}
                """);
        CliRun fromFile = CliRun.of("flops", cfg.toString(), "--json");
        CliRun fromPreset = CliRun.of("flops", "mixtral-8x7b", "--json");
        assertThat(fromFile.exitCode()).isZero();
        JsonNode a = Json.mapper().readTree(fromFile.out());
        JsonNode b = Json.mapper().readTree(fromPreset.out());
        assertThat(a.get("totalParams")).isEqualTo(b.get("totalParams"));
        assertThat(a.get("trainingFlopsPerToken")).isEqualTo(b.get("trainingFlopsPerToken"));
        // a directory holding config.json works too
        assertThat(CliRun.of("flops", dir.toString()).exitCode()).isZero();
    }

    @Test
    void flopsRejectsBadArguments() {
        CliRun unknown = CliRun.of("flops", "gpt-9");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown model 'gpt-9'").contains("qwen3-235b-a22b");
        assertNoStackTrace(unknown);
        assertThat(CliRun.of("flops", "llama3-8b", "--seq", "0").err()).contains("--seq must be positive, got 0");
        assertThat(CliRun.of("flops", "llama3-8b", "--seq", "many").exitCode()).isEqualTo(2);
        CliRun unsupported = CliRun.of("flops", dir.resolve("missing/config.json").toString());
        assertThat(unsupported.exitCode()).isEqualTo(2);
        assertThat(unsupported.err()).contains("file not found");
    }

    @Test
    void modelsListsAndShowsPresets() throws Exception {
        CliRun list = CliRun.of("models");
        assertThat(list.exitCode()).isZero();
        ModelCatalog.builtIn().ids().forEach(id -> assertThat(list.out()).contains(id));
        CliRun show = CliRun.of("models", "show", "deepseek-v3");
        assertThat(show.out()).contains("MLA: 128 heads, q LoRA 1536, KV LoRA 512").contains("MTP layers      1");
        JsonNode json = Json.mapper().readTree(CliRun.of("models", "show", "qwen3-235b-a22b", "--json").out());
        assertThat(json.get("moe").get("experts").asInt()).isEqualTo(128);
        CliRun bad = CliRun.of("models", "show", "nope");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown model 'nope'");
    }

    @Test
    void checkSummarisesAValidScenario() {
        CliRun run = CliRun.of("check", VALIDATION.resolve("qwen3-235b-h100x256-deepep-intranode-ep-fsdp.json").toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("256 GPUs").contains("dp 128").contains("edp 32").contains("fsdp")
                .contains("4 micro-batches per step").contains("valid      yes");
    }

    @Test
    void invalidScenarioExitsTwoNamingEveryField() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, """
                {"name": "bad", "model": "qwen-unknown",
                 "cluster": {"gpu": "h100-sxm", "nodes": -4, "gpusPerNode": 8},
                 "batch": {"seqLen": 4096, "globalBatch": 64}}
                """);
        for (String command : new String[]{"simulate", "check"}) {
            CliRun run = CliRun.of(command, f.toString());
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains(f + ": model: unknown model 'qwen-unknown'")
                    .contains(f + ": cluster.nodes: must be positive, got -4");
            assertNoStackTrace(run);
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void malformedScenarioExitsTwo() throws Exception {
        Path f = dir.resolve("broken.json");
        Files.writeString(f, "{\"name\": \"x\",\n \"cluster\": }");
        CliRun run = CliRun.of("simulate", f.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(f + ": line 2, column").contains("malformed JSON");
        assertNoStackTrace(run);
    }

    @Test
    void simulateRunsAMoeLayerWithAndWithoutOverlap() throws Exception {
        CliRun comet = CliRun.of("simulate", VALIDATION.resolve("flux-comet-h800-tp8-e32-top4.json").toString(), "--json");
        assertThat(comet.exitCode()).as(comet.err()).isZero();
        JsonNode c = Json.mapper().readTree(comet.out());
        Path megatron = dir.resolve("megatron.json");
        Files.writeString(megatron, Files.readString(VALIDATION.resolve("flux-comet-h800-tp8-e32-top4.json"))
                .replace("\"comet\"", "\"megatron\""));
        JsonNode m = Json.mapper().readTree(CliRun.of("simulate", megatron.toString(), "--json").out());
        assertThat(c.get("chunks").asInt()).isEqualTo(8);
        assertThat(m.get("chunks").asInt()).isEqualTo(1);
        assertThat(c.get("layerTimeMs").asDouble()).isLessThan(m.get("layerTimeMs").asDouble());
        assertThat(m.get("exposedCommMs").asDouble()).isGreaterThan(c.get("exposedCommMs").asDouble());
        assertThat(m.get("layerTimeMs").asDouble()).isCloseTo(m.get("computeMs").asDouble() + m.get("exposedCommMs").asDouble(),
                org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void usageErrorsExitTwo() {
        CliRun run = CliRun.of("simulat");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("simulate");
        CliRun help = CliRun.of();
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("flops").contains("models").contains("check");
    }

    @Test
    void profilesListAndShowWithProvenance() {
        CliRun list = CliRun.of("profiles");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("a100-sxm").contains("h800-sxm").contains("mi300x");
        CliRun show = CliRun.of("profiles", "show", "h100-sxm");
        assertThat(show.exitCode()).isZero();
        assertThat(show.out()).contains("maxAchievableTflops.bf16").contains("measured: stas00/ml-engineering");
        CliRun bad = CliRun.of("profiles", "show", "h900");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown GPU profile 'h900'");
        assertNoStackTrace(bad);
    }

    @Test
    void malformedProfileDirectoryExitsTwoWithFileAndLine() throws Exception {
        Files.writeString(dir.resolve("profile.properties"), "id=x\nsmCount=many\n");
        CliRun run = CliRun.of("profiles", "show", dir.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(dir.resolve("profile.properties") + ":2: smCount: expected an integer, got \"many\"");
        assertNoStackTrace(run);
    }
}
