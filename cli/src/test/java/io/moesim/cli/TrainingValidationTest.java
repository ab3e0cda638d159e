package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The training-step cases of validation/published-runs.csv (Qwen3-235B on 256 H100, five layouts;
 * Mixtral-8x22B on 128 H100, two routings).
 *
 * <p>The bars: a median error ≤ 12% and no case worse than 20% (asserted here), and the published order
 * of the five Qwen3 layouts, Spearman ρ ≥ 0.9 ({@code ValidateCommandTest}). Today the median is 3.5%, the worst
 * −16.6% (PP32) and ρ 0.97 (docs/training-step.md).
 */
class TrainingValidationTest {
    private static final Path VALIDATION = Path.of("..", "validation");

    @Test
    void medianErrorOverThePublishedTrainingRunsDoesNotRegress() throws Exception {
        List<Double> errors = new ArrayList<>();
        for (String line : Files.readAllLines(VALIDATION.resolve("published-runs.csv"))) {
            String[] f = line.split(",", -1);
            if (!f[1].equals("stepTimeSeconds") && !f[1].equals("modelTflopsPerGpu")) {
                continue;
            }
            CliRun run = CliRun.of("simulate", VALIDATION.resolve("scenarios").resolve(f[0] + ".json").toString(), "--json");
            assertThat(run.exitCode()).as(f[0] + ": " + run.err()).isZero();
            JsonNode n = Json.mapper().readTree(run.out());
            assertThat(n.get("fitsInMemory").asBoolean()).as(f[0] + " fits in memory").isTrue();
            double predicted = n.get(f[1]).asDouble();
            double reported = Double.parseDouble(f[2]);
            errors.add(Math.abs(predicted - reported) / reported);
        }
        assertThat(errors).hasSize(9);
        errors.sort(Double::compare);
        assertThat(errors.get(4)).as("median relative error (today 3.5%; the issue's bar)").isLessThanOrEqualTo(0.12);
        assertThat(errors.get(8)).as("worst relative error (today 16.6%; the issue's bar)").isLessThanOrEqualTo(0.20);
    }

    /**
     * The four forced-balance long-context runs of the same ModelZoo page (extra cases: TP4 PP8 VPP4 EP8, 16k to
     * 128k tokens, {@code --recompute-modules layernorm moe}). Today: +3.5%, +2.7%, +3.3%, +6.6%. The same layout at
     * 4k tokens is predicted 11.6% fast, which points at per-kernel costs, not at the FLOP or
     * communication models (docs/training-step.md).
     */
    @Test
    void longContextRunsOfTheTp4LayoutStayClose() throws Exception {
        Path extra = VALIDATION.resolve("extra");
        int cases = 0;
        for (String line : Files.readAllLines(extra.resolve("extra-runs.csv"))) {
            String[] f = line.split(",", -1);
            if (!f[0].startsWith("qwen3-235b-h100x256-deepep-tp4-seq")) {
                continue;
            }
            CliRun run = CliRun.of("simulate", extra.resolve("scenarios").resolve(f[0] + ".json").toString(), "--json");
            assertThat(run.exitCode()).as(f[0] + ": " + run.err()).isZero();
            double predicted = Json.mapper().readTree(run.out()).get(f[1]).asDouble();
            double reported = Double.parseDouble(f[2]);
            assertThat(Math.abs(predicted - reported) / reported).as(f[0] + " relative error").isLessThanOrEqualTo(0.07);
            cases++;
        }
        assertThat(cases).isEqualTo(4);
    }

    @Test
    void memoryCommandFlagsALayoutThatCannotFit() throws Exception {
        CliRun run = CliRun.of("memory", Path.of("..", "examples", "deepseek-v3-h800x8-does-not-fit.json").toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode n = Json.mapper().readTree(run.out());
        assertThat(n.get("fitsInMemory").asBoolean()).isFalse();
        assertThat(n.get("breakdownGiB").get("weights").asDouble()).isGreaterThan(100);
        CliRun text = CliRun.of("memory", VALIDATION.resolve("scenarios/qwen3-235b-h100x256-deepep.json").toString());
        assertThat(text.out()).contains("fits the 80 GiB of h100-sxm").contains("optimizer (fp32 master + Adam)");
        CliRun wrong = CliRun.of("memory", VALIDATION.resolve("scenarios/deepep-h800-ep8-normal.json").toString());
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("memory needs a training-step scenario");
    }
}
