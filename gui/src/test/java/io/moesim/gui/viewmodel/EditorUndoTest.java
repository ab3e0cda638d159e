package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import org.junit.jupiter.api.Test;

/** The editor's undo history without a toolkit. */
class EditorUndoTest {
    private final ScenarioEditorViewModel vm = new ScenarioEditorViewModel(ModelCatalog.builtIn());

    @Test
    void undoTwiceRestoresTheOriginalAndRedoReappliesBoth() {
        vm.load(Fixtures.resource("small-mixtral"));
        Scenario original = vm.scenarioProperty().get();
        assertThat(vm.canUndoProperty().get()).isFalse();
        vm.epProperty().set(8);
        vm.recomputeProperty().set(Recompute.FULL);
        Scenario edited = vm.scenarioProperty().get();
        assertThat(edited.parallel().ep()).isEqualTo(8);

        vm.undo();
        assertThat(vm.recomputeProperty().get()).isEqualTo(Recompute.SELECTIVE);
        assertThat(vm.epProperty().get()).isEqualTo(8);
        vm.undo();
        assertThat(vm.epProperty().get()).isEqualTo(4);
        assertThat(vm.scenarioProperty().get()).isEqualTo(original);
        assertThat(vm.canUndoProperty().get()).isFalse();
        assertThat(vm.canRedoProperty().get()).isTrue();
        vm.undo();   // nothing left: no change
        assertThat(vm.scenarioProperty().get()).isEqualTo(original);

        vm.redo();
        assertThat(vm.epProperty().get()).isEqualTo(8);
        assertThat(vm.recomputeProperty().get()).isEqualTo(Recompute.SELECTIVE);
        vm.redo();
        assertThat(vm.scenarioProperty().get()).isEqualTo(edited);
        assertThat(vm.canRedoProperty().get()).isFalse();
    }

    @Test
    void keystrokesInOneFieldAreOneStepAndANewEditDropsTheRedo() {
        vm.load(Fixtures.resource("small-mixtral"));
        for (String typed : new String[]{"s", "sm", "sma", "small"}) {
            vm.nameProperty().set(typed);   // typing "small" into the name field
        }
        vm.knob("localTrafficFraction").valueProperty().set("0");
        vm.knob("localTrafficFraction").valueProperty().set("0.");
        vm.knob("localTrafficFraction").valueProperty().set("0.5");
        assertThat(vm.scenarioProperty().get().strategy().knobs().localTrafficFraction()).isEqualTo(0.5);
        vm.undo();
        assertThat(vm.knob("localTrafficFraction").valueProperty().get()).isEmpty();
        assertThat(vm.nameProperty().get()).isEqualTo("small");
        vm.undo();
        assertThat(vm.nameProperty().get()).isEqualTo("small-mixtral");
        assertThat(vm.canUndoProperty().get()).isFalse();

        vm.redo();
        vm.ppProperty().set(1);   // a new edit: what was undone cannot come back
        assertThat(vm.canRedoProperty().get()).isFalse();
        vm.undo();
        assertThat(vm.ppProperty().get()).isEqualTo(2);
        assertThat(vm.nameProperty().get()).isEqualTo("small");
    }

    @Test
    void aStrategyChangeAndItsClearedKnobsAreOneStep() {
        vm.load(Fixtures.resource("small-mixtral"));
        vm.knob("tokenRounding").valueProperty().set("64");
        vm.strategyProperty().set("dualpipe");   // clears the override
        assertThat(vm.knob("tokenRounding").valueProperty().get()).isEmpty();
        vm.undo();
        assertThat(vm.strategyProperty().get()).isEqualTo("megatron");
        assertThat(vm.knob("tokenRounding").valueProperty().get()).isEqualTo("64");
        assertThat(vm.scenarioProperty().get().strategy().knobs().tokenRounding()).isEqualTo(64);
    }

    @Test
    void openingAFileClearsTheHistoryAndItIsBounded() {
        vm.load(Fixtures.resource("small-mixtral"));
        for (int i = 0; i < ScenarioEditorViewModel.HISTORY + 50; i++) {
            // alternate fields so that no two edits coalesce
            if (i % 2 == 0) {
                vm.seqLenProperty().set(4096 + 8 * (i + 1));
            } else {
                vm.globalBatchProperty().set(64 + 8 * (i + 1));
            }
        }
        int steps = 0;
        while (vm.canUndoProperty().get()) {
            vm.undo();
            steps++;
        }
        assertThat(steps).isEqualTo(ScenarioEditorViewModel.HISTORY);
        vm.load(Fixtures.resource("small-dense"));
        assertThat(vm.canUndoProperty().get()).isFalse();
        assertThat(vm.canRedoProperty().get()).isFalse();
    }
}
