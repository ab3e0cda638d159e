package io.moesim.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.model.ModelCatalog;
import io.moesim.scenario.DataType;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioReaderTest {
    private static final Path VALIDATION = Path.of("..", "validation", "scenarios");
    private final ScenarioReader reader = new ScenarioReader(ModelCatalog.builtIn());

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path f = dir.resolve("scenario.json");
        Files.writeString(f, json);
        return f;
    }

    private List<Problem> problems(String json) throws IOException {
        Path f = write(json);
        try {
            reader.read(f);
        } catch (InputException e) {
            assertThat(e.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo(f.toString()));
            return e.problems();
        }
        throw new AssertionError("expected the scenario to be rejected");
    }

    @Test
    void everyValidationScenarioIsValid() throws IOException, InputException {
        try (Stream<Path> files = Files.list(VALIDATION)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(12);
            for (Path f : all) {
                assertThat(reader.read(f).name()).isEqualTo(f.getFileName().toString().replace(".json", ""));
            }
        }
    }

    @Test
    void readsTheContractExample() throws InputException {
        Scenario s = reader.read(VALIDATION.resolve("qwen3-235b-h100x256-deepep.json"));
        assertThat(s.workload()).isEqualTo(Workload.TRAINING_STEP);
        assertThat(s.model().id()).isEqualTo("qwen3-235b-a22b");
        assertThat(s.cluster().gpuCount()).isEqualTo(256);
        assertThat(s.parallel().dp(256)).isEqualTo(16);
        assertThat(s.parallel().expertDp(256)).isEqualTo(1);
        assertThat(s.recompute()).isEqualTo(Recompute.SELECTIVE);
        assertThat(s.moe().dispatcher()).isEqualTo(Dispatcher.DEEPEP);
        assertThat(s.moe().capacityFactor()).isNull();
        assertThat(s.batch().tokensPerStep()).isEqualTo(4096L * 2048);
    }

    @Test
    void readsDispatchAndMoeLayerWorkloads() throws InputException {
        Scenario d = reader.read(VALIDATION.resolve("deepep-h800-ep64-normal.json"));
        assertThat(d.dispatch().dispatchDtype()).isEqualTo(DataType.FP8);
        assertThat(d.moe().routing().kind()).isEqualTo(RoutingKind.UNIFORM);
        assertThat(d.moe().routing().seed()).isEqualTo(1L);
        assertThat(d.dispatch().maxNodesPerToken()).isEqualTo(4);
        assertThat(d.dispatch().commSms()).isEqualTo(24);
        Scenario l = reader.read(VALIDATION.resolve("flux-comet-h800-tp8-e32-top4.json"));
        assertThat(l.layer().experts()).isEqualTo(32);
        assertThat(l.parallel().etp()).isEqualTo(8); // etp defaults to tp, as in Megatron-Core
    }

    @Test
    void unknownModelAndNegativeNodesAreBothNamed() throws IOException {
        List<Problem> p = problems("""
                {"name": "x", "model": "qwen4-1t",
                 "cluster": {"gpu": "h100-sxm", "nodes": -2, "gpusPerNode": 8},
                 "batch": {"seqLen": 4096, "globalBatch": 64}}
                """);
        assertThat(p).extracting(Problem::field).containsExactlyInAnyOrder("model", "cluster.nodes");
        assertThat(p).extracting(Problem::message).anyMatch(m -> m.contains("unknown model 'qwen4-1t'"))
                .anyMatch(m -> m.contains("must be positive, got -2"));
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        List<Problem> p = problems("{\n  \"name\": \"x\",\n  \"cluster\": {\"nodes\": 2,}\n}");
        assertThat(p).hasSize(1);
        assertThat(p.get(0).field()).startsWith("line 3, column");
        assertThat(p.get(0).message()).startsWith("malformed JSON");
    }

    /** Found by fuzzing: BigDecimal refuses such an exponent outside Jackson's parser, once an internal error. */
    @Test
    void aNumberBeyondAnyRangeIsMalformedJson() throws IOException {
        List<Problem> p = problems("{\"name\": \"x\", \"batch\": {\"seqLen\": 4e44444444444444444448}}");
        assertThat(p).hasSize(1);
        assertThat(p.get(0).message()).isEqualTo("malformed JSON: a number is out of range: 4e44444444444444444448");
        assertThat(problems("{\"batch\": {\"seqLen\": 1e4444444444444444444444444444444444}}").get(0).message())
                .isEqualTo("malformed JSON: a number is out of range: 1e4444444444…44444444");
        assertThat(problems("{\"name\": \"x\", \"batch\": {\"seqLen\": 1e999}}")).extracting(Problem::toString)
                .anySatisfy(m -> assertThat(m).contains("batch.seqLen: "));
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        List<Problem> p = problems("{\"name\": \"x\", \"name\": \"y\"}");
        assertThat(p.get(0).message()).contains("Duplicate field 'name'");
    }

    @Test
    void unknownAndMistypedFieldsAreNamed() throws IOException {
        List<Problem> p = problems("""
                {"model": "mixtral-8x7b", "cluster": {"gpu": "h100-sxm", "nodes": "2"},
                 "parallel": {"tpp": 2}, "batch": {"seqLen": 4096, "globalBatch": 16},
                 "precision": "fp4", "moe": {"routing": {"kind": "zipf"}}}
                """);
        assertThat(p).extracting(Problem::field).containsExactlyInAnyOrder("cluster.nodes", "parallel.tpp",
                "precision", "moe.routing.skew");
        assertThat(p).extracting(Problem::toString)
                .anyMatch(s -> s.contains("cluster.nodes: expected an integer, got string \"2\""))
                .anyMatch(s -> s.contains("parallel.tpp: unknown field (allowed here: cp, dp, ep, etp, fsdp, pp, tp, vpp, zero)"))
                .anyMatch(s -> s.contains("unknown precision 'fp4' (expected one of bf16, fp8)"));
    }

    @Test
    void recomputeModulesAreReadAndChecked() throws IOException, InputException {
        String base = """
                {"model": "qwen3-30b-a3b", "cluster": {"gpu": "h100-sxm", "nodes": 1, "gpusPerNode": 8},
                 "parallel": {"ep": 8}, "batch": {"seqLen": 4096, "globalBatch": 8}, %s}
                """;
        Scenario s = reader.read(write(base.formatted("\"recompute\": \"selective\", \"recomputeModules\": [\"moe\", \"layernorm\"]")));
        assertThat(s.recomputeModules()).containsExactlyInAnyOrder(RecomputeModule.MOE, RecomputeModule.LAYERNORM);
        assertThat(reader.read(write(base.formatted("\"recompute\": \"selective\""))).recomputeModules())
                .isEqualTo(RecomputeModule.SELECTIVE_DEFAULT);
        assertThat(problems(base.formatted("\"recompute\": \"full\", \"recomputeModules\": [\"moe\"]")))
                .extracting(pr -> pr.field() + ": " + pr.message())
                .containsExactly("recomputeModules: only applies with \"recompute\": \"selective\" (recompute is \"full\")");
        assertThat(problems(base.formatted("\"recompute\": \"selective\", \"recomputeModules\": [\"moe\", \"mlp_act\", \"moe\", 3]")))
                .extracting(pr -> pr.field() + ": " + pr.message()).containsExactly(
                        "recomputeModules[1]: unknown recompute module 'mlp_act' (expected one of core_attn, layernorm, "
                                + "moe_act, mla_up_proj, mlp, moe, shared_experts)",
                        "recomputeModules[2]: 'moe' is listed twice",
                        "recomputeModules[3]: expected a string, got number 3");
        assertThat(problems(base.formatted("\"recompute\": \"selective\", \"recomputeModules\": \"moe\"")))
                .extracting(pr -> pr.field() + ": " + pr.message())
                .containsExactly("recomputeModules: expected an array of strings, got string \"moe\"");
        // mla_up_proj needs multi-latent attention (Megatron-Core's rule).
        assertThat(problems(base.formatted("\"recompute\": \"selective\", \"recomputeModules\": [\"mla_up_proj\"]")))
                .extracting(Problem::field).containsExactly("recomputeModules");
    }

    @Test
    void layoutRulesAreReportedWithTheirFields() throws IOException {
        List<Problem> p = problems("""
                {"model": "qwen3-235b-a22b", "cluster": {"gpu": "h100-sxm", "nodes": 32, "gpusPerNode": 8},
                 "parallel": {"tp": 2, "pp": 32, "vpp": 4, "ep": 64},
                 "batch": {"seqLen": 4096, "globalBatch": 102}}
                """);
        assertThat(p).extracting(Problem::field).containsExactlyInAnyOrder("parallel.ep", "batch.globalBatch",
                "parallel.pp");
    }

    @Test
    void derivedDpMustAgreeWhenGiven() throws IOException {
        List<Problem> p = problems("""
                {"model": "mixtral-8x7b", "cluster": {"gpu": "h100-sxm", "nodes": 2},
                 "parallel": {"tp": 2, "dp": 4}, "batch": {"seqLen": 4096, "globalBatch": 64}}
                """);
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.field()).isEqualTo("parallel.dp");
            assertThat(x.message()).contains("16/2 = 8");
        });
    }

    @Test
    void workloadSpecificPartsAreChecked() throws IOException {
        List<Problem> p = problems("""
                {"workload": "dispatch", "cluster": {"gpu": "h800-sxm", "nodes": 1}, "parallel": {"ep": 8}}
                """);
        assertThat(p).extracting(Problem::toString).containsExactly(
                dir.resolve("scenario.json") + ": dispatch: is required for workload 'dispatch'");
        assertThat(problems("{\"workload\": \"inference\", \"cluster\": {\"gpu\": \"h100-sxm\", \"nodes\": 1}}"))
                .extracting(Problem::message)
                .anyMatch(m -> m.contains("unknown workload 'inference' (expected one of training-step, moe-layer, dispatch)"));
        assertThat(problems("""
                {"workload": "dispatch", "cluster": {"gpu": "h800-sxm", "nodes": 1}, "parallel": {"ep": 8},
                 "dispatch": {"tokensPerRank": 16, "hidden": 64, "topK": 2, "experts": 16, "maxNodesPerToken": 0}}
                """)).extracting(Problem::toString).containsExactly(
                dir.resolve("scenario.json") + ": dispatch.maxNodesPerToken: must be positive, got 0");
        assertThat(problems("""
                {"workload": "dispatch", "cluster": {"gpu": "h800-sxm", "nodes": 1}, "parallel": {"ep": 8},
                 "dispatch": {"tokensPerRank": 16, "hidden": 64, "topK": 2, "experts": 16, "commSms": 132}}
                """)).extracting(Problem::toString).containsExactly(
                dir.resolve("scenario.json") + ": dispatch.commSms: must leave SMs for compute: 132 >= the 132 SMs of 'h800-sxm'");
    }

    @Test
    void routingTracesAreLoadedAndCheckedCellByCell() throws IOException, InputException {
        Files.writeString(dir.resolve("routing.csv"), "# measured\nlayer,expert,tokens\n0,0,300\n0,1,100\n1,127,50\n");
        String json = """
                {"model": "qwen3-30b-a3b", "cluster": {"gpu": "h100-sxm", "nodes": 1, "gpusPerNode": 8},
                 "parallel": {"ep": 8}, "batch": {"seqLen": 4096, "globalBatch": 8},
                 "moe": {"routing": {"kind": "trace", "file": "routing.csv"}}}
                """;
        Scenario s = reader.read(write(json));
        io.moesim.scenario.RoutingTrace t = s.moe().routing().trace();
        assertThat(t.layers()).isEqualTo(2);
        assertThat(t.experts()).isEqualTo(128);
        assertThat(t.shares(0)[0]).isEqualTo(0.75);
        assertThat(t.shares(3)[127]).isEqualTo(1.0);   // layer 3 uses trace row 3 mod 2 = 1
        Files.writeString(dir.resolve("routing.csv"), "layer,expert,tokens\n0,-1,5\n0,2,many\n");
        assertThat(problems(json)).extracting(Problem::toString).containsExactly(
                dir.resolve("scenario.json") + ": moe.routing.file: " + dir.resolve("routing.csv")
                        + ":2:2: expert: expected a non-negative integer, got \"-1\"",
                dir.resolve("scenario.json") + ": moe.routing.file: " + dir.resolve("routing.csv")
                        + ":3:3: tokens: expected a non-negative integer, got \"many\"");
        Files.writeString(dir.resolve("routing.csv"), "layer,expert,tokens\n0,200,5\n");
        assertThat(problems(json)).extracting(Problem::toString).containsExactly(
                dir.resolve("scenario.json") + ": moe.routing.file: the trace routes to 201 experts; model "
                        + "'qwen3-30b-a3b' has 128");
    }

    @Test
    void denseModelsDefaultEtpToOne() throws IOException, InputException {
        Scenario s = reader.read(write("""
                {"model": "llama3-70b", "cluster": {"gpu": "h100-sxm", "nodes": 8, "gpusPerNode": 8},
                 "parallel": {"tp": 8, "pp": 4}, "batch": {"seqLen": 4096, "globalBatch": 64}}
                """));
        assertThat(s.parallel().etp()).isEqualTo(1);
    }

    @Test
    void strategyKnobsComeFromThePresetAndCanBeOverridden() throws IOException, InputException {
        String base = """
                {"model": "qwen3-30b-a3b", "cluster": {"gpu": "h100-sxm", "nodes": 2, "gpusPerNode": 8},
                 "parallel": {"ep": 16}, "batch": {"seqLen": 4096, "globalBatch": 16}, "strategy": %s}
                """;
        Scenario tutel = reader.read(write(base.formatted("{\"name\": \"tutel\"}")));
        assertThat(tutel.strategy().knobs().pipelineDegree()).isZero();
        assertThat(tutel.strategy().knobs().a2aAlgorithm()).isEqualTo(io.moesim.cost.CollectiveAlgorithm.HIERARCHICAL);
        Scenario custom = reader.read(write(base.formatted(
                "{\"name\": \"tutel\", \"pipelineDegree\": 2, \"commSms\": 16, \"tokenRounding\": 64}")));
        assertThat(custom.strategy().knobs().pipelineDegree()).isEqualTo(2);
        assertThat(custom.strategy().knobs().commSms()).isEqualTo(16);
        assertThat(custom.strategy().knobs().tokenRounding()).isEqualTo(64);
        assertThat(problems(base.formatted("{\"name\": \"megatron\", \"pipelineDegree\": 99, \"a2aAlgorithm\": \"ring\"}")))
                .extracting(Problem::field).containsExactlyInAnyOrder("strategy.a2aAlgorithm", "strategy.pipelineDegree");
        Scenario hecate = reader.read(write(base.formatted(
                "{\"name\": \"megatron\", \"fullyShardedExperts\": true, \"rematerializeSlots\": 3, "
                        + "\"localTrafficFraction\": 0.25}")));
        assertThat(hecate.strategy().knobs().fullyShardedExperts()).isTrue();
        assertThat(hecate.strategy().knobs().rematerializeSlots()).isEqualTo(3);
        assertThat(hecate.strategy().knobs().localTrafficFraction()).isEqualTo(0.25);
        assertThat(problems(base.formatted("{\"name\": \"megatron\", \"localTrafficFraction\": 1.5, "
                + "\"rematerializeSlots\": -1}"))).extracting(Problem::field)
                .containsExactlyInAnyOrder("strategy.localTrafficFraction", "strategy.rematerializeSlots");
        assertThat(tutel.strategy().knobs().hostLaunchUs()).isEqualTo(58.0);
        assertThat(reader.read(write(base.formatted("{\"name\": \"megatron\", \"hostLaunchUs\": 75.5}")))
                .strategy().knobs().hostLaunchUs()).isEqualTo(75.5);
        for (String bad : new String[]{"0", "-3", "20000", "\"fast\""}) {
            assertThat(problems(base.formatted("{\"name\": \"megatron\", \"hostLaunchUs\": " + bad + "}")))
                    .as(bad).extracting(Problem::field).containsExactly("strategy.hostLaunchUs");
        }
        assertThat(tutel.strategy().knobs().crossEntropyFusion()).isEqualTo(io.moesim.scenario.CrossEntropyFusion.NONE);
        assertThat(reader.read(write(base.formatted("{\"name\": \"megatron\", \"crossEntropyFusion\": \"native\"}")))
                .strategy().knobs().crossEntropyFusion()).isEqualTo(io.moesim.scenario.CrossEntropyFusion.NATIVE);
        assertThat(problems(base.formatted("{\"name\": \"megatron\", \"crossEntropyFusion\": \"fused\"}")))
                .singleElement().satisfies(pr -> {
                    assertThat(pr.field()).isEqualTo("strategy.crossEntropyFusion");
                    assertThat(pr.message()).contains("'fused'").contains("none, native, te");
                });
        assertThat(problems(base.formatted("{\"name\": \"megatron\", \"overlapDegree\": 2}")))
                .extracting(Problem::field).contains("strategy.overlapDegree");
    }

    @Test
    void fsdpImpliesZero3AndRejectsOtherStages() throws IOException, InputException {
        Scenario s = reader.read(VALIDATION.resolve("qwen3-235b-h100x256-deepep-intranode-ep-fsdp.json"));
        assertThat(s.parallel().zeroStage()).isEqualTo(3);
        assertThat(problems("""
                {"model": "mixtral-8x7b", "cluster": {"gpu": "h100-sxm", "nodes": 1},
                 "parallel": {"fsdp": true, "zero": 1}, "batch": {"seqLen": 4096, "globalBatch": 8}}
                """)).extracting(Problem::field).containsExactly("parallel.zero");
    }

    @Test
    void modelFromHfConfigRelativeToScenario() throws IOException, InputException {
        Path cfgDir = dir.resolve("ckpt");
        Files.createDirectories(cfgDir);
        Files.copy(HfConfigImporterTest.fixture("mixtral-8x7b"), cfgDir.resolve("config.json"));
        Path f = write("""
                {"model": {"hfConfig": "ckpt/config.json"}, "cluster": {"gpu": "h100-sxm", "nodes": 1},
                 "parallel": {"ep": 8}, "batch": {"seqLen": 4096, "globalBatch": 8}}
                """);
        Scenario s = reader.read(f);
        assertThat(s.model().moe().experts()).isEqualTo(8);
        assertThat(s.model().id()).isEqualTo("ckpt");
    }

    @Test
    void presetWithOverrides() throws IOException, InputException {
        Path f = write("""
                {"model": {"preset": "qwen3-235b-a22b", "layers": 48, "moe": {"topK": 4}},
                 "cluster": {"gpu": "h100-sxm", "nodes": 1}, "parallel": {"ep": 8},
                 "batch": {"seqLen": 4096, "globalBatch": 8}}
                """);
        Scenario s = reader.read(f);
        assertThat(s.model().layers()).isEqualTo(48);
        assertThat(s.model().moe().topK()).isEqualTo(4);
        assertThat(s.model().moe().experts()).isEqualTo(128);
        assertThat(s.model().id()).isEqualTo("qwen3-235b-a22b-custom");
    }

    @Test
    void inlineModelErrorsArePrefixed() throws IOException {
        List<Problem> p = problems("""
                {"model": {"layers": 2, "hidden": 64, "vocab": 100,
                           "attention": {"kind": "gqa", "heads": 4, "kvHeads": 3, "headDim": 16}},
                 "cluster": {"gpu": "h100-sxm", "nodes": 1}, "batch": {"seqLen": 128, "globalBatch": 8}}
                """);
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.field()).isEqualTo("model.attention");
            assertThat(x.message()).contains("heads must be a multiple of kvHeads");
        });
    }

    @Test
    void topLevelMustBeAnObject() throws IOException {
        assertThat(problems("[1, 2]")).singleElement()
                .satisfies(x -> assertThat(x.message()).contains("expected a JSON object at the top level"));
    }

    @Test
    void missingFileIsReported() {
        assertThatThrownBy(() -> reader.read(dir.resolve("none.json"))).hasMessageEndingWith("file not found");
    }

    @Test
    void gpuMustBeAKnownProfileAndSupportThePrecision() throws IOException {
        assertThat(problems("""
                {"model": "mixtral-8x7b", "cluster": {"gpu": "h900", "nodes": 1}, "batch": {"seqLen": 4096, "globalBatch": 8}}
                """)).singleElement().satisfies(x -> {
            assertThat(x.field()).isEqualTo("cluster.gpu");
            assertThat(x.message()).contains("unknown GPU profile 'h900'").contains("h100-sxm");
        });
        assertThat(problems("""
                {"model": "mixtral-8x7b", "cluster": {"gpu": "a100-sxm", "nodes": 1}, "precision": "fp8",
                 "batch": {"seqLen": 4096, "globalBatch": 8}}
                """)).extracting(Problem::field).containsExactly("precision");
    }

    @Test
    void unknownStrategyIsNamed() throws IOException {
        assertThat(problems("""
                {"model": "mixtral-8x7b", "cluster": {"gpu": "h100-sxm", "nodes": 1},
                 "batch": {"seqLen": 4096, "globalBatch": 8}, "strategy": {"name": "magic"}}
                """)).singleElement().satisfies(x -> {
            assertThat(x.field()).isEqualTo("strategy.name");
            assertThat(x.message()).contains("unknown strategy 'magic'").contains("megatron");
        });
    }
}
