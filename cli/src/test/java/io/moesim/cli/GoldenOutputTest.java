package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Machine-readable and tabular outputs are sealed by golden files, under more than one default
 * locale (a decimal comma must never leak into output).
 */
class GoldenOutputTest {
    private final Locale saved = Locale.getDefault();

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(saved);
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = GoldenOutputTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"en-US", "de-DE", "fr-FR", "ar-EG"})
    void flopsJson(String locale) throws IOException {
        Locale.setDefault(Locale.forLanguageTag(locale));
        CliRun run = CliRun.of("flops", "qwen3-235b-a22b", "--seq", "4096", "--json");
        assertThat(run.out()).isEqualTo(golden("flops-qwen3-235b-a22b.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"en-US", "de-DE"})
    void flopsTable(String locale) throws IOException {
        Locale.setDefault(Locale.forLanguageTag(locale));
        CliRun run = CliRun.of("flops", "deepseek-v3");
        assertThat(run.out()).isEqualTo(golden("flops-deepseek-v3.txt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"en-US", "de-DE"})
    void modelsTable(String locale) throws IOException {
        Locale.setDefault(Locale.forLanguageTag(locale));
        assertThat(CliRun.of("models").out()).isEqualTo(golden("models.txt"));
    }
}
