package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.engine.SimulationListener;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.Scenario;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The editor's strategy knobs, link overrides, capacity factor and Hugging Face import, without a toolkit:
 * each changes the scenario the editor makes, and through it the simulated result.
 */
class EditorOverridesTest {
    private final ScenarioEditorViewModel vm = new ScenarioEditorViewModel(ModelCatalog.builtIn());

    private SimulationOutcome simulate() throws Exception {
        Scenario s = vm.scenarioProperty().get();
        assertThat(s).as(String.join("\n", vm.problems())).isNotNull();
        return ScenarioRunner.run(s, vm.fileProperty().get(), SimulationListener.NONE, false);
    }

    @Test
    void knobsShowThePresetAndAnOverrideChangesTheResult() throws Exception {
        vm.load(Fixtures.resource("small-mixtral"));
        OverrideField local = vm.knob("localTrafficFraction");
        assertThat(local.valueProperty().get()).isEmpty();
        assertThat(local.inheritedProperty().get()).isEqualTo("0.0");
        assertThat(vm.knob("commSms").inheritedProperty().get()).isEqualTo("dispatcher default");
        double before = simulate().training().stepTimeSeconds();

        local.valueProperty().set("0.5");
        assertThat(vm.scenarioProperty().get().strategy().knobs().localTrafficFraction()).isEqualTo(0.5);
        double after = simulate().training().stepTimeSeconds();
        assertThat(after).isLessThan(before);   // half the EP traffic stays on the rank
        assertThat(vm.dirtyProperty().get()).isTrue();

        local.valueProperty().set("1.5");
        assertThat(vm.scenarioProperty().get()).isNull();
        assertThat(vm.problems()).contains("strategy.localTrafficFraction: must be at least 0 and below 1, got 1.5");
        local.valueProperty().set("half");
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("strategy.localTrafficFraction: expected a number"));
        local.valueProperty().set("");
        assertThat(vm.scenarioProperty().get().strategy().knobs().localTrafficFraction()).isZero();
    }

    @Test
    void theHostLaunchKnobShowsMegatronsMeasuredCostAndValidatesInline() {
        vm.load(Fixtures.resource("small-mixtral"));
        OverrideField host = vm.knob("hostLaunchUs");
        assertThat(host.inheritedProperty().get()).isEqualTo("58.0");
        host.valueProperty().set("80");
        assertThat(vm.scenarioProperty().get().strategy().knobs().hostLaunchUs()).isEqualTo(80.0);
        host.valueProperty().set("0");
        assertThat(vm.scenarioProperty().get()).isNull();
        assertThat(vm.problems()).contains("strategy.hostLaunchUs: must be positive, got 0.0");
        host.valueProperty().set("");
        assertThat(vm.scenarioProperty().get().strategy().knobs().hostLaunchUs()).isEqualTo(58.0);
    }

    @Test
    void theCrossEntropyKnobOffersMegatronsThreeImplementationsAndAFusedLossIsFaster() throws Exception {
        vm.load(Fixtures.resource("small-mixtral"));
        OverrideField ce = vm.knob("crossEntropyFusion");
        assertThat(ce.kind()).isEqualTo(OverrideField.Kind.CHOICE);
        assertThat(ce.choices()).containsExactly("none", "native", "te");
        assertThat(ce.inheritedProperty().get()).isEqualTo("none");
        double unfused = simulate().training().stepTimeSeconds();
        ce.valueProperty().set("te");
        assertThat(vm.scenarioProperty().get().strategy().knobs().crossEntropyFusion())
                .isEqualTo(io.moesim.scenario.CrossEntropyFusion.TE);
        assertThat(simulate().training().stepTimeSeconds()).isLessThan(unfused);
        ce.valueProperty().set("");
        assertThat(vm.scenarioProperty().get().strategy().knobs().crossEntropyFusion())
                .isEqualTo(io.moesim.scenario.CrossEntropyFusion.NONE);
    }

    @Test
    void aFileWithAnUnknownCrossEntropyFusionOpensWithTheProblemShown(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad-ce.json");
        Files.writeString(f, Files.readString(Fixtures.resource("small-mixtral"))
                .replace("\"name\": \"megatron\"", "\"name\": \"megatron\", \"crossEntropyFusion\": \"fused\""));
        assertThat(Files.readString(f)).contains("\"fused\"");
        vm.load(f);
        assertThat(vm.scenarioProperty().get()).isNull();
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p)
                .contains("strategy.crossEntropyFusion: unknown cross-entropy fusion 'fused' (expected one of none, native, te)"));
        vm.knob("crossEntropyFusion").valueProperty().set("native");
        assertThat(vm.scenarioProperty().get().strategy().knobs().crossEntropyFusion())
                .isEqualTo(io.moesim.scenario.CrossEntropyFusion.NATIVE);
    }

    @Test
    void anotherPresetShowsItsKnobsAndDropsTheOverrides() {
        vm.load(Fixtures.resource("small-mixtral"));
        vm.knob("tokenRounding").valueProperty().set("64");
        assertThat(vm.scenarioProperty().get().strategy().knobs().tokenRounding()).isEqualTo(64);
        vm.strategyProperty().set("dualpipe");
        assertThat(vm.knob("tokenRounding").valueProperty().get()).isEmpty();
        assertThat(vm.knob("commSms").inheritedProperty().get()).isEqualTo("20");
        assertThat(vm.knob("sharedExpertOverlap").inheritedProperty().get()).isEqualTo("true");
        assertThat(vm.knob("hostLaunchUs").inheritedProperty().get()).isEqualTo("42.0");
        vm.knob("sharedExpertOverlap").valueProperty().set("false");
        vm.knob("a2aAlgorithm").valueProperty().set("hierarchical");
        Scenario s = vm.scenarioProperty().get();
        assertThat(s.strategy().name()).isEqualTo("dualpipe");
        assertThat(s.strategy().knobs().commSms()).isEqualTo(20);
        assertThat(s.strategy().knobs().sharedExpertOverlap()).isFalse();
        assertThat(s.strategy().knobs().a2aAlgorithm().id()).isEqualTo("hierarchical");
    }

    @Test
    void overridesSurviveSaveAndOpen(@TempDir Path dir) throws Exception {
        vm.load(Fixtures.resource("small-mixtral"));
        vm.knob("pipelineDegree").valueProperty().set("4");
        vm.linkOverrides().get(1).valueProperty().set("12.5");
        vm.capacityFactor().valueProperty().set("1.25");
        Path f = dir.resolve("s.json");
        vm.save(f);
        ScenarioEditorViewModel other = new ScenarioEditorViewModel(ModelCatalog.builtIn());
        other.load(f);
        assertThat(other.knob("pipelineDegree").valueProperty().get()).isEqualTo("4");
        assertThat(other.knob("commSms").valueProperty().get()).isEmpty();    // the preset's, not an override
        assertThat(other.linkOverrides().get(1).valueProperty().get()).isEqualTo("12.5");
        assertThat(other.linkOverrides().get(0).valueProperty().get()).isEmpty();
        assertThat(other.capacityFactor().valueProperty().get()).isEqualTo("1.25");
        assertThat(other.scenarioProperty().get()).isEqualTo(vm.scenarioProperty().get());
    }

    @Test
    void aSlowerNicSlowsTheStepAndTheProfileValueIsShown() throws Exception {
        vm.load(Fixtures.resource("small-mixtral"));
        OverrideField nic = vm.linkOverrides().get(1);
        assertThat(nic.id()).isEqualTo("nicGBps");
        assertThat(nic.inheritedProperty().get()).isEqualTo("50");
        assertThat(vm.linkOverrides().get(2).inheritedProperty().get()).isEqualTo("8");
        double before = simulate().training().stepTimeSeconds();
        nic.valueProperty().set("5");
        assertThat(vm.scenarioProperty().get().cluster().nicGBps()).isEqualTo(5.0);
        assertThat(simulate().training().stepTimeSeconds()).isGreaterThan(before);
        nic.valueProperty().set("-1");
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("cluster.nicGBps"));
    }

    @Test
    void aCapacityFactorDropsTokensAndTheHeadlineSaysSo() throws Exception {
        vm.load(Fixtures.resource("small-mixtral"));
        vm.routingKindProperty().set(RoutingKind.ZIPF);
        vm.skewProperty().set(1.0);
        assertThat(vm.capacityFactor().inheritedProperty().get()).isEqualTo("dropless");
        SimulationOutcome dropless = simulate();
        assertThat(dropless.training().droppedTokenFraction()).isZero();
        assertThat(dropless.headline()).doesNotContain("dropped");

        vm.capacityFactor().valueProperty().set("1.0");
        assertThat(vm.scenarioProperty().get().moe().capacityFactor()).isEqualTo(1.0);
        SimulationOutcome capped = simulate();
        assertThat(capped.training().droppedTokenFraction()).isGreaterThan(0.01);
        assertThat(capped.headline()).containsPattern("· \\d+\\.\\d\\d% of routed tokens dropped");
        vm.capacityFactor().valueProperty().set("0");
        assertThat(vm.problems()).anySatisfy(p -> assertThat(p).startsWith("moe.capacityFactor"));
    }

    @Test
    void aHuggingFaceConfigBecomesTheModel() throws Exception {
        vm.load(Fixtures.resource("small-mixtral"));
        Path config = Path.of(EditorOverridesTest.class.getResource("/hf/qwen3-30b-a3b/config.json").toURI());
        assertThat(vm.importHfConfig(config)).isTrue();
        assertThat(vm.modelProperty().get()).startsWith("HF: ");
        assertThat(vm.modelChoices()).contains(vm.modelProperty().get());
        Scenario s = vm.scenarioProperty().get();
        assertThat(s).as(String.join("\n", vm.problems())).isNotNull();
        assertThat(s.model().layers()).isEqualTo(48);
        assertThat(s.model().hidden()).isEqualTo(2048);
        assertThat(vm.messageProperty().get()).startsWith("imported ");
        assertThat(simulate().training().tokensPerSecondPerGpu()).isPositive();
        // back to a preset: the catalog's model again
        vm.modelProperty().set("mixtral-8x7b");
        assertThat(vm.scenarioProperty().get().model().id()).isEqualTo("mixtral-8x7b");
    }

    @Test
    void aConfigTheImporterCannotReadLeavesTheModel(@TempDir Path dir) throws Exception {
        vm.load(Fixtures.resource("small-mixtral"));
        Path bad = Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
        assertThat(vm.importHfConfig(bad)).isFalse();
        assertThat(vm.modelProperty().get()).isEqualTo("mixtral-8x7b");
        assertThat(vm.messageProperty().get()).startsWith("could not import ").contains("model_type");
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(EditorOverridesTest.class.getResource(name).toURI());
    }
}
