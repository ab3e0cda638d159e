package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The editor's view-model, without a toolkit. */
class ScenarioEditorViewModelTest {
    private final ScenarioEditorViewModel vm = new ScenarioEditorViewModel(ModelCatalog.builtIn());

    @Test
    void startsWithAValidScenario() {
        assertThat(vm.scenarioProperty().get()).isNotNull();
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.describe()).contains("256 GPUs").contains("128 micro-batches");
    }

    @Test
    void loadsAFileIntoTheFields() {
        assertThat(vm.load(Fixtures.qwen3())).isTrue();
        assertThat(vm.modelProperty().get()).isEqualTo("qwen3-235b-a22b");
        assertThat(vm.gpuProperty().get()).isEqualTo("h100-sxm");
        assertThat(vm.nodesProperty().get()).isEqualTo(32);
        assertThat(vm.tpProperty().get()).isEqualTo(2);
        assertThat(vm.ppProperty().get()).isEqualTo(8);
        assertThat(vm.vppProperty().get()).isEqualTo(4);
        assertThat(vm.epProperty().get()).isEqualTo(32);
        assertThat(vm.dispatcherProperty().get()).isEqualTo(Dispatcher.DEEPEP);
        assertThat(vm.scenarioProperty().get().name()).isEqualTo("qwen3-235b-h100x256-deepep");
        assertThat(vm.dirtyProperty().get()).isFalse();
        assertThat(vm.fileProperty().get()).isEqualTo(Fixtures.qwen3().toAbsolutePath());
    }

    /** Found by EditorFuzzTest: a value no field can hold used to vanish into the field's default unnoticed. */
    @Test
    void aValueNoFieldCanHoldIsStillReportedFromTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("typo.json");
        Files.writeString(f, Files.readString(Fixtures.qwen3()).replace("\"balanced\"", "\"unifoAm\"")
                .replace("\"tp\": 2", "\"tp\": \"two\""));
        assertThat(vm.load(f)).isTrue();
        assertThat(vm.routingKindProperty().get()).isEqualTo(RoutingKind.BALANCED);
        assertThat(vm.tpProperty().get()).isEqualTo(1);
        assertThat(vm.problems()).hasSize(2).allSatisfy(p -> assertThat(p).startsWith("in the file: ")
                .endsWith("(the editor cannot hold this and uses its default; saving replaces it)"));
        assertThat(String.join("\n", vm.problems())).contains("unknown routing kind 'unifoAm'").contains("parallel.tp");
        assertThat(vm.dirtyProperty().get()).as("the editor no longer says what the file says").isTrue();
        vm.revalidate();
        assertThat(vm.problems()).as("once the editor's own scenario is checked again").isEmpty();
    }

    @Test
    void anInvalidLayoutIsExplainedFieldByField() {
        vm.load(Fixtures.qwen3());
        vm.tpProperty().set(3);
        assertThat(vm.scenarioProperty().get()).isNull();
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("parallel: tp*pp*cp = 3*8*1 = 24 must divide the cluster's 256 GPUs"));
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("parallel.tp: model 'qwen3-235b-a22b' has"));
        assertThat(vm.validationTextProperty().get()).contains("parallel: tp*pp*cp");
        assertThat(vm.dirtyProperty().get()).isTrue();
        vm.tpProperty().set(4);
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.scenarioProperty().get().parallel().tp()).isEqualTo(4);
        assertThat(vm.validationTextProperty().get()).isEmpty();
    }

    @Test
    void recordLevelProblemsAreListedToo() {
        vm.load(Fixtures.qwen3());
        vm.nodesProperty().set(0);
        assertThat(vm.scenarioProperty().get()).isNull();
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("cluster.nodes"));
        vm.nodesProperty().set(32);
        vm.gpuProperty().set("no-such-gpu");
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("cluster.gpu: unknown GPU profile 'no-such-gpu'"));
    }

    @Test
    void routingSkewAppliesOnlyToZipf() {
        vm.load(Fixtures.qwen3());
        vm.skewProperty().set(0.9);
        assertThat(vm.scenarioProperty().get().moe().routing().kind()).isEqualTo(RoutingKind.BALANCED);
        vm.routingKindProperty().set(RoutingKind.ZIPF);
        assertThat(vm.scenarioProperty().get().moe().routing().skew()).isEqualTo(0.9);
        assertThat(vm.tree().path("moe").path("routing").path("skew").asDouble()).isEqualTo(0.9);
    }

    @Test
    void changingTheStrategyPresetDropsTheFilesKnobs() {
        vm.load(Fixtures.qwen3());
        vm.strategyProperty().set("tutel");
        Scenario s = vm.scenarioProperty().get();
        assertThat(s.strategy().name()).isEqualTo("tutel");
        assertThat(s.strategy().knobs().pipelineDegree()).isZero();          // tutel's adaptive degree
        assertThat(vm.tree().path("strategy").has("pipelineDegree")).isFalse();
        vm.strategyProperty().set("megatron");
        assertThat(vm.scenarioProperty().get().strategy().knobs().pipelineDegree()).isEqualTo(1);
    }

    @Test
    void a2aOverlapRulesAreChecked() {
        vm.load(Fixtures.qwen3());
        vm.recomputeProperty().set(io.moesim.scenario.Recompute.FULL);
        vm.a2aOverlapProperty().set(true);
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("strategy.a2aOverlap: ")
                .contains("full recompute"));
    }

    @Test
    void savesTheCanonicalScenarioAndReadsItBack(@TempDir Path dir) throws Exception {
        vm.load(Fixtures.qwen3());
        vm.epProperty().set(16);
        Path out = dir.resolve("edited.json");
        vm.save(out);
        assertThat(vm.dirtyProperty().get()).isFalse();
        assertThat(vm.fileProperty().get()).isEqualTo(out.toAbsolutePath());
        Scenario back = new ScenarioReader(ModelCatalog.builtIn()).read(out);
        assertThat(back).isEqualTo(vm.scenarioProperty().get());
        assertThat(back.parallel().ep()).isEqualTo(16);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(out);                             // no temporary file left
        }
    }

    @Test
    void savesAnInvalidScenarioAsEdited(@TempDir Path dir) throws Exception {
        vm.load(Fixtures.qwen3());
        vm.tpProperty().set(3);
        Path out = dir.resolve("wip.json");
        vm.save(out);
        JsonNode saved = Json.readTree(out, "wip.json");
        assertThat(saved.path("parallel").path("tp").asInt()).isEqualTo(3);
        ScenarioEditorViewModel again = new ScenarioEditorViewModel(ModelCatalog.builtIn());
        assertThat(again.load(out)).isTrue();
        assertThat(again.tpProperty().get()).isEqualTo(3);
        assertThat(again.problems()).isNotEmpty();
    }

    @Test
    void aFileThatIsNotJsonIsReportedNotThrown(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{ \"name\": ");
        vm.load(Fixtures.qwen3());
        assertThat(vm.load(bad)).isFalse();
        assertThat(vm.problems()).isNotEmpty();
        assertThat(vm.tpProperty().get()).isEqualTo(2);                         // the editor kept what it had
        assertThat(vm.load(dir.resolve("missing.json"))).isFalse();
    }

    @Test
    void aMoeLayerScenarioKeepsItsLayerSection() {
        assertThat(vm.load(Fixtures.validation("flux-comet-h800-tp8-e32-top4"))).isTrue();
        assertThat(vm.trainingStepProperty().get()).isFalse();
        assertThat(vm.scenarioProperty().get()).isNotNull();
        assertThat(vm.scenarioProperty().get().layer()).isNotNull();
        assertThat(vm.tree().has("batch")).isFalse();
    }

    @Test
    void revalidationIsCheapEnoughForEveryKeystroke() {
        vm.load(Fixtures.qwen3());
        for (int i = 0; i < 5; i++) {
            vm.microBatchProperty().set(i % 2 + 1);                             // warm up
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            vm.microBatchProperty().set(i % 2 + 1);
        }
        double msPer = (System.nanoTime() - t0) / 20 / 1e6;
        System.out.printf(java.util.Locale.ROOT, "editor revalidation: %.2f ms per edit%n", msPer);
        assertThat(msPer).isLessThan(50);
    }
}
