package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import io.moesim.io.LaunchFlags;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The editor's Export without a toolkit: the three formats written, and every failure explained in the status. */
class ExportViewModelTest {
    private final ModelCatalog catalog = ModelCatalog.builtIn();
    private final ScenarioEditorViewModel editor = new ScenarioEditorViewModel(catalog);
    private final ExportViewModel export = new ExportViewModel(editor, catalog);

    @TempDir
    Path dir;

    @Test
    void megatronArgumentsCarryTheEditedLayout() throws Exception {
        editor.load(Fixtures.resource("small-mixtral"));   // tp 2, pp 2, ep 4 on 16 GPUs
        editor.epProperty().set(8);
        Path out = dir.resolve("launch.sh");
        assertThat(export.export(ExportFormat.MEGATRON, out)).as(export.statusProperty().get()).isTrue();
        String text = Files.readString(out);
        List<String> flags = Stream.of(text.split("\\\\\n")).map(String::strip).toList();
        assertThat(flags).contains("--tensor-model-parallel-size 2", "--pipeline-model-parallel-size 2",
                "--expert-model-parallel-size 8", "--num-experts 8", "--moe-router-topk 2", "--micro-batch-size 1",
                "--global-batch-size 64", "--moe-token-dispatcher-type alltoall");
        // the bytes moe-sim export prints
        assertThat(text).isEqualTo(LaunchFlags.render(editor.scenarioProperty().get(), LaunchFlags.Format.MEGATRON, catalog,
                editor.fileProperty().get()));
        assertThat(export.statusProperty().get()).isEqualTo("exported small-mixtral as Megatron-LM arguments to " + out);
        assertThat(export.suggestedFileName(ExportFormat.MEGATRON)).isEqualTo("small-mixtral.megatron.sh");
        assertThat(dir.toFile().list()).containsExactly("launch.sh");   // no temporary file left behind
    }

    @Test
    void deepspeedConfigAndScenarioFile() throws Exception {
        editor.load(Fixtures.resource("small-mixtral"));
        Path ds = dir.resolve("ds.json");
        assertThat(export.export(ExportFormat.DEEPSPEED, ds)).isTrue();
        JsonNode n = Json.mapper().readTree(Files.readString(ds));
        // 16 GPUs / (tp 2 * pp 2) = dp 4; 64 sequences / (1 * 4) = 16 accumulation steps
        assertThat(n.get("gradient_accumulation_steps").asInt()).isEqualTo(16);
        assertThat(n.at("/moe_layer_args/ep_size").asInt()).isEqualTo(4);
        assertThat(n.at("/pipeline/stages").asInt()).isEqualTo(2);

        editor.microBatchProperty().set(2);
        Path sc = dir.resolve("copy.json");
        assertThat(export.export(ExportFormat.SCENARIO, sc)).isTrue();
        Scenario back = new ScenarioReader(catalog).read(sc);
        assertThat(back).isEqualTo(editor.scenarioProperty().get());
        assertThat(back.batch().microBatch()).isEqualTo(2);
    }

    @Test
    void failuresAreExplainedInTheStatusAndWriteNothing() throws Exception {
        editor.load(Fixtures.resource("small-mixtral"));
        editor.tpProperty().set(3);   // breaks the layout rules
        Path out = dir.resolve("launch.sh");
        assertThat(export.export(ExportFormat.MEGATRON, out)).isFalse();
        assertThat(export.statusProperty().get()).startsWith("export: fix the scenario's problems first (");
        assertThat(out).doesNotExist();

        editor.tpProperty().set(2);
        Path blocked = Files.writeString(dir.resolve("a-file"), "x").resolve("launch.sh");   // parent is not a directory
        assertThat(export.export(ExportFormat.MEGATRON, blocked)).isFalse();
        assertThat(export.statusProperty().get()).startsWith("could not export to " + blocked + ": ");

        editor.load(Fixtures.validation("deepep-h800-ep8-normal"));   // a dispatch scenario
        assertThat(export.export(ExportFormat.DEEPSPEED, out)).isFalse();
        assertThat(export.statusProperty().get())
                .isEqualTo("cannot export as DeepSpeed config: needs a training-step scenario, got dispatch");
        assertThat(out).doesNotExist();
        assertThat(export.export(ExportFormat.SCENARIO, out)).isTrue();   // a scenario file is fine
    }
}
