package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.moesim.io.InputException;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz test of the workbench's editor opening a file: the editor shows any JSON object, valid or not, so
 * that it can be fixed in place. Whatever the bytes, {@link ScenarioEditorViewModel#load} must not throw;
 * a file it cannot open, or one the reader refuses, leaves problems to show (never a silently valid
 * editor); a file the reader accepts opens as a valid scenario.
 *
 * <p>Regression inputs: {@code src/test/resources/io/moesim/gui/viewmodel/EditorFuzzTestInputs/open/}. To
 * fuzz: {@code JAZZER_FUZZ=1 mvn -pl gui test -Dtest=EditorFuzzTest} (see {@code docs/testing.md}).
 */
class EditorFuzzTest {
    private static final Path DIR = tempDir();
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("moe-sim-editor-fuzz");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void open(byte[] input) throws IOException {
        Path f = DIR.resolve("scenario.json");
        Files.write(f, input);
        ScenarioEditorViewModel vm = new ScenarioEditorViewModel(CATALOG);
        boolean opened = vm.load(f);
        Scenario read;
        try {
            read = new ScenarioReader(CATALOG).read(f);
        } catch (InputException e) {
            read = null;
        }
        if (read == null) {
            assertThat(vm.problems()).as("a file the reader refuses shows problems (opened: %s)", opened).isNotEmpty();
        } else {
            assertThat(opened).as("the editor refused a file the reader accepts").isTrue();
            assertThat(vm.scenarioProperty().get()).as("problems: %s", vm.problems()).isNotNull();
        }
    }
}
