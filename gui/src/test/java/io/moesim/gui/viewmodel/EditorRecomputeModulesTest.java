package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The editor's selective-recompute modules ({@code recomputeModules}), without a toolkit. */
class EditorRecomputeModulesTest {
    private final ScenarioEditorViewModel vm = new ScenarioEditorViewModel(ModelCatalog.builtIn());

    /** small-mixtral with {@code recompute} and, when not null, {@code recomputeModules} set as given (raw JSON). */
    private static Path mixtral(Path dir, String recompute, String modulesJson) throws Exception {
        String text = Files.readString(Fixtures.resource("small-mixtral"))
                .replace("\"recompute\": \"selective\"", "\"recompute\": \"" + recompute + "\""
                        + (modulesJson == null ? "" : ", \"recomputeModules\": " + modulesJson));
        Path f = dir.resolve("modules.json");
        Files.writeString(f, text);
        return f;
    }

    private List<String> written() {
        JsonNode n = vm.tree().get("recomputeModules");
        if (n == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        n.forEach(e -> ids.add(e.asText()));
        return ids;
    }

    private boolean checked(RecomputeModule m) {
        return vm.recomputeModuleProperty(m).get();
    }

    @Test
    void loadingAFileChecksItsModules(@TempDir Path dir) throws Exception {
        assertThat(vm.load(mixtral(dir, "selective", "[\"layernorm\", \"moe\"]"))).isTrue();
        assertThat(vm.recomputeModules()).containsExactly(RecomputeModule.LAYERNORM, RecomputeModule.MOE);
        assertThat(checked(RecomputeModule.LAYERNORM)).isTrue();
        assertThat(checked(RecomputeModule.MOE)).isTrue();
        assertThat(checked(RecomputeModule.MOE_ACT)).isFalse();
        assertThat(checked(RecomputeModule.CORE_ATTN)).isFalse();
        assertThat(vm.scenarioProperty().get().recomputeModules())
                .containsExactly(RecomputeModule.LAYERNORM, RecomputeModule.MOE);
        assertThat(written()).containsExactly("layernorm", "moe");
        assertThat(vm.dirtyProperty().get()).isFalse();
        assertThat(vm.canUndoProperty().get()).isFalse();
        assertThat(vm.recomputeModuleChoices()).containsExactly(RecomputeModule.values());
    }

    @Test
    void aFileWithoutTheFieldChecksTheDefault() {
        vm.load(Fixtures.resource("small-mixtral"));
        assertThat(vm.recomputeModules()).isEqualTo(RecomputeModule.SELECTIVE_DEFAULT);
        assertThat(written()).isNull();
        assertThat(vm.scenarioProperty().get().recomputeModules()).isEqualTo(RecomputeModule.SELECTIVE_DEFAULT);
    }

    @Test
    void aChangedSelectionIsWrittenInEnumOrderAndTheDefaultSetAsNoField(@TempDir Path dir) throws Exception {
        vm.load(mixtral(dir, "selective", "[\"layernorm\", \"moe\"]"));
        vm.recomputeModuleProperty(RecomputeModule.SHARED_EXPERTS).set(true);
        vm.recomputeModuleProperty(RecomputeModule.CORE_ATTN).set(true);
        assertThat(written()).containsExactly("core_attn", "layernorm", "moe", "shared_experts");
        assertThat(vm.scenarioProperty().get().recomputeModules()).containsExactly(RecomputeModule.CORE_ATTN,
                RecomputeModule.LAYERNORM, RecomputeModule.MOE, RecomputeModule.SHARED_EXPERTS);
        assertThat(vm.dirtyProperty().get()).isTrue();

        // back to layernorm + moe_act: the reader's default, so no field
        vm.recomputeModuleProperty(RecomputeModule.SHARED_EXPERTS).set(false);
        vm.recomputeModuleProperty(RecomputeModule.CORE_ATTN).set(false);
        vm.recomputeModuleProperty(RecomputeModule.MOE).set(false);
        vm.recomputeModuleProperty(RecomputeModule.MOE_ACT).set(true);
        assertThat(written()).isNull();
        assertThat(vm.scenarioProperty().get().recomputeModules()).isEqualTo(RecomputeModule.SELECTIVE_DEFAULT);
    }

    @Test
    void otherRecomputeModesDropTheFieldAndSelectiveBringsItBack(@TempDir Path dir) throws Exception {
        vm.load(mixtral(dir, "selective", "[\"layernorm\", \"moe\"]"));
        vm.recomputeProperty().set(Recompute.FULL);
        assertThat(vm.tree().has("recomputeModules")).isFalse();
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.scenarioProperty().get().recomputeModules()).isEmpty();
        vm.recomputeProperty().set(Recompute.NONE);
        assertThat(vm.tree().has("recomputeModules")).isFalse();
        assertThat(vm.problems()).isEmpty();
        vm.recomputeProperty().set(Recompute.SELECTIVE);
        assertThat(written()).containsExactly("layernorm", "moe");
        assertThat(vm.scenarioProperty().get().recomputeModules())
                .containsExactly(RecomputeModule.LAYERNORM, RecomputeModule.MOE);
    }

    @Test
    void eachBoxIsAnUndoStep(@TempDir Path dir) throws Exception {
        vm.load(mixtral(dir, "selective", "[\"layernorm\", \"moe\"]"));
        Scenario original = vm.scenarioProperty().get();
        vm.recomputeModuleProperty(RecomputeModule.MOE).set(false);
        vm.recomputeModuleProperty(RecomputeModule.MOE_ACT).set(true);
        assertThat(written()).isNull();
        vm.recomputeProperty().set(Recompute.FULL);

        vm.undo();
        assertThat(vm.recomputeProperty().get()).isEqualTo(Recompute.SELECTIVE);
        assertThat(written()).isNull();
        vm.undo();
        assertThat(vm.recomputeModules()).containsExactly(RecomputeModule.LAYERNORM);
        assertThat(written()).containsExactly("layernorm");
        vm.undo();
        assertThat(vm.recomputeModules()).containsExactly(RecomputeModule.LAYERNORM, RecomputeModule.MOE);
        assertThat(vm.scenarioProperty().get()).isEqualTo(original);
        assertThat(vm.canUndoProperty().get()).isFalse();

        vm.redo();
        assertThat(vm.recomputeModules()).containsExactly(RecomputeModule.LAYERNORM);
        vm.redo();
        assertThat(vm.recomputeModules()).isEqualTo(RecomputeModule.SELECTIVE_DEFAULT);
        vm.redo();
        assertThat(vm.recomputeProperty().get()).isEqualTo(Recompute.FULL);
        assertThat(vm.tree().has("recomputeModules")).isFalse();
        assertThat(vm.canRedoProperty().get()).isFalse();
    }

    @Test
    void noBoxCheckedIsTheReadersProblemNotTheDefault() {
        vm.load(Fixtures.resource("small-mixtral"));
        vm.recomputeModuleProperty(RecomputeModule.LAYERNORM).set(false);
        vm.recomputeModuleProperty(RecomputeModule.MOE_ACT).set(false);
        assertThat(vm.tree().get("recomputeModules").isArray()).isTrue();
        assertThat(vm.tree().get("recomputeModules")).isEmpty();
        assertThat(vm.scenarioProperty().get()).isNull();
        assertThat(vm.problems()).containsExactly(
                "recomputeModules: must name at least one module (or use \"recompute\": \"none\")");
        vm.recomputeProperty().set(Recompute.NONE);   // what the message suggests
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.tree().has("recomputeModules")).isFalse();
    }

    @Test
    void mlaUpProjOnAModelWithoutMlaIsExplained() {
        vm.load(Fixtures.resource("small-mixtral"));
        vm.recomputeModuleProperty(RecomputeModule.MLA_UP_PROJ).set(true);
        assertThat(vm.scenarioProperty().get()).isNull();
        assertThat(vm.problems()).singleElement().asString()
                .startsWith("recomputeModules: mla_up_proj needs a model with multi-latent attention; 'mixtral-8x7b'");
        assertThat(vm.recomputeModuleHelp(RecomputeModule.MLA_UP_PROJ)).contains("MLA models only");

        vm.load(Fixtures.resource("long-deepseek"));
        vm.recomputeModuleProperty(RecomputeModule.MLA_UP_PROJ).set(true);
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.scenarioProperty().get().recomputeModules()).contains(RecomputeModule.MLA_UP_PROJ);
        assertThat(written()).containsExactly("layernorm", "moe_act", "mla_up_proj");
    }

    @Test
    void aListTheBoxesCannotShowIsKeptAndExplainedUntilABoxChanges(@TempDir Path dir) throws Exception {
        assertThat(vm.load(mixtral(dir, "selective", "[\"moe\", \"bogus\", \"moe\"]"))).isTrue();
        assertThat(vm.recomputeModules()).containsExactly(RecomputeModule.MOE);
        assertThat(vm.tree().get("recomputeModules").toString()).isEqualTo("[\"moe\",\"bogus\",\"moe\"]");
        assertThat(vm.scenarioProperty().get()).isNull();
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("recomputeModules[1]: "))
                .anySatisfy(p -> assertThat(p).isEqualTo("recomputeModules[2]: 'moe' is listed twice"));

        vm.recomputeModuleProperty(RecomputeModule.LAYERNORM).set(true);
        assertThat(written()).containsExactly("layernorm", "moe");
        assertThat(vm.problems()).isEmpty();
        vm.undo();
        assertThat(vm.tree().get("recomputeModules").toString()).isEqualTo("[\"moe\",\"bogus\",\"moe\"]");

        vm.load(mixtral(dir, "selective", "\"moe\""));
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("recomputeModules: expected an array"));
        vm.load(mixtral(dir, "selective", "[]"));
        assertThat(vm.recomputeModules()).isEmpty();
        assertThat(vm.problems()).containsExactly(
                "recomputeModules: must name at least one module (or use \"recompute\": \"none\")");
        vm.load(mixtral(dir, "full", "[\"moe\"]"));   // the field with another mode: dropped, and the file's problem said
        assertThat(vm.problems()).containsExactly("in the file: recomputeModules: only applies with \"recompute\": "
                + "\"selective\" (recompute is \"full\") (the editor cannot hold this and uses its default; saving replaces it)");
        assertThat(vm.tree().has("recomputeModules")).isFalse();
        assertThat(vm.scenarioProperty().get()).isNotNull();
    }

    @Test
    void theModulesSurviveSaveAndOpen(@TempDir Path dir) throws Exception {
        vm.load(Fixtures.resource("small-mixtral"));
        vm.recomputeModuleProperty(RecomputeModule.CORE_ATTN).set(true);
        Path f = dir.resolve("saved.json");
        vm.save(f);
        JsonNode saved = Json.readTree(f, "saved.json");
        assertThat(saved.get("recomputeModules").toString()).isEqualTo("[\"core_attn\",\"layernorm\",\"moe_act\"]");
        Scenario back = new ScenarioReader(ModelCatalog.builtIn()).read(f);
        assertThat(back.recomputeModules()).isEqualTo(EnumSet.of(RecomputeModule.CORE_ATTN, RecomputeModule.LAYERNORM,
                RecomputeModule.MOE_ACT));
        ScenarioEditorViewModel other = new ScenarioEditorViewModel(ModelCatalog.builtIn());
        other.load(f);
        assertThat(other.recomputeModules()).isEqualTo(back.recomputeModules());
    }
}
