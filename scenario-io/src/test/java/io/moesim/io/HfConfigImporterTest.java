package io.moesim.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HfConfigImporterTest {

    static Path fixture(String dir) {
        try {
            return Path.of(HfConfigImporterTest.class.getResource("/hf/" + dir + "/config.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The published config.json of each model imports to exactly the bundled preset. */
    @ParameterizedTest
    @ValueSource(strings = {"deepseek-v3", "mixtral-8x7b", "qwen3-30b-a3b", "qwen2-57b-a14b", "llama3-8b"})
    void importsMatchPresets(String id) throws InputException {
        ModelSpec preset = ModelCatalog.builtIn().require(id);
        ModelSpec imported = HfConfigImporter.read(fixture(id));
        assertThat(imported.id()).isEqualTo(id);
        assertThat(imported.withIdentity(preset.id(), preset.displayName(), preset.source())).isEqualTo(preset);
    }

    @Test
    void unknownArchitectureIsRejectedByName() {
        assertThatThrownBy(() -> HfConfigImporter.read(fixture("gpt-oss-20b")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("config.json: model_type: unsupported architecture 'gpt_oss'")
                .hasMessageContaining("deepseek_v3");
    }

    @Test
    void everyBadFieldIsReported() {
        assertThatThrownBy(() -> HfConfigImporter.read(fixture("broken-moe")))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.problems())
                        .extracting(Problem::field)
                        .containsExactlyInAnyOrder("num_hidden_layers", "num_local_experts"));
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope/config.json");
        assertThatThrownBy(() -> HfConfigImporter.read(missing)).hasMessageContaining(missing + ": file not found");
    }

    @Test
    void malformedJsonGivesLineAndColumn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 4096,,\n}");
        assertThatThrownBy(() -> HfConfigImporter.read(f))
                .hasMessageContaining("line 3, column").hasMessageContaining("malformed JSON");
    }

    @Test
    void missingModelTypeIsExplained(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"hidden_size\": 4096}");
        assertThatThrownBy(() -> HfConfigImporter.read(f)).hasMessageContaining("model_type: is missing");
    }

    @Test
    void leadingMlpOnlyLayersBecomeDenseLayers(@TempDir Path dir) throws Exception {
        String cfg = Files.readString(fixture("qwen3-30b-a3b")).replace("\"mlp_only_layers\": []",
                "\"mlp_only_layers\": [0, 1]");
        Path f = dir.resolve("config.json");
        Files.writeString(f, cfg);
        ModelSpec m = HfConfigImporter.read(f);
        assertThat(m.moe().firstDenseLayers()).isEqualTo(2);
        assertThat(m.denseLayers()).isEqualTo(2);

        Files.writeString(f, cfg.replace("[0, 1]", "[3, 7]"));
        assertThatThrownBy(() -> HfConfigImporter.read(f)).hasMessageContaining("mlp_only_layers");
    }
}
