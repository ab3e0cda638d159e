package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    private static final Path CASES = Path.of("..", "validation", "published-runs.csv");

    @TempDir
    Path dir;

    @Test
    void comparesEveryPublishedFigure() throws Exception {
        CliRun run = CliRun.of("validate", "--cases", CASES.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode n = Json.mapper().readTree(run.out());
        assertThat(n.get("cases")).hasSize(18);
        JsonNode summary = n.get("summary");
        assertThat(summary.get("compared").asInt()).isEqualTo(18);
        // Regression guard at today's accuracy (6.8% median over all 18 figures), not the issues' bars.
        assertThat(summary.get("medianAbsRelativeError").asDouble()).isLessThan(0.08);
        // The five Qwen3-235B layouts on 256 H100 are the only model and cluster with three or more step times.
        JsonNode order = summary.get("layoutOrder");
        assertThat(order).hasSize(1);
        assertThat(order.get(0).get("model").asText()).isEqualTo("qwen3-235b-a22b");
        assertThat(order.get(0).get("cluster").asText()).isEqualTo("256 h100-sxm");
        assertThat(order.get(0).get("layouts").asInt()).isEqualTo(5);
        // The bar: the predicted order of the five Qwen3 layouts matches the published one, Spearman rho >= 0.9
        // (today 0.97: the published runs tie FSDP with the 1F1B-overlap run, moe-sim puts the overlap run first).
        assertThat(order.get(0).get("spearman").asDouble()).isBetween(0.9, 1.0);
        for (JsonNode c : n.get("cases")) {
            double rel = (c.get("predicted").asDouble() - c.get("reported").asDouble()) / c.get("reported").asDouble();
            assertThat(c.get("relativeError").asDouble()).isCloseTo(rel, org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void layoutOrderIsSpearmansRankCorrelationPerModelAndCluster() throws Exception {
        var reader = new io.moesim.io.ScenarioReader(io.moesim.model.ModelCatalog.builtIn());
        java.util.Map<String, io.moesim.scenario.Scenario> scenarios = new java.util.HashMap<>();
        for (String id : java.util.List.of("qwen3-235b-h100x256-deepep", "qwen3-235b-h100x256-nccl-a2a-pp32",
                "qwen3-235b-h100x256-deepep-tp4-norecompute", "mixtral-8x22b-h100x128-balanced")) {
            scenarios.put(id, reader.read(Path.of("..", "validation", "scenarios", id + ".json")));
        }
        java.util.function.Function<double[], java.util.List<ValidateCommand.Row>> rows = predicted -> java.util.List.of(
                new ValidateCommand.Row("qwen3-235b-h100x256-deepep", "stepTimeSeconds", 1, "s", predicted[0], ""),
                new ValidateCommand.Row("qwen3-235b-h100x256-nccl-a2a-pp32", "stepTimeSeconds", 2, "s", predicted[1], ""),
                new ValidateCommand.Row("qwen3-235b-h100x256-deepep-tp4-norecompute", "stepTimeSeconds", 3, "s",
                        predicted[2], ""),
                // another model and a TFLOPS figure: neither joins the group
                new ValidateCommand.Row("mixtral-8x22b-h100x128-balanced", "stepTimeSeconds", 9, "s", 1.0, ""),
                new ValidateCommand.Row("qwen3-235b-h100x256-deepep", "modelTflopsPerGpu", 245, "TFLOPS", 1.0, ""));
        var same = ValidateCommand.layoutOrders(rows.apply(new double[]{10, 20, 30}), scenarios);
        assertThat(same).singleElement().satisfies(o -> {
            assertThat(o.layouts()).isEqualTo(3);
            assertThat(o.spearman()).isEqualTo(1.0);
        });
        assertThat(ValidateCommand.layoutOrders(rows.apply(new double[]{3, 2, 1}), scenarios).get(0).spearman())
                .isEqualTo(-1.0);
        // ranks (1, 3, 2) against (1, 2, 3): 1 - 6·2 / (3·8) = 0.5
        assertThat(ValidateCommand.layoutOrders(rows.apply(new double[]{1, 3, 2}), scenarios).get(0).spearman())
                .isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void oneThreadAndFourThreadsGiveTheSameAnswer() {
        CliRun one = CliRun.of("validate", "--cases", CASES.toString(), "--json", "--threads", "1");
        CliRun four = CliRun.of("validate", "--cases", CASES.toString(), "--json", "--threads", "4");
        assertThat(one.exitCode()).isZero();
        assertThat(four.out()).isEqualTo(one.out());
        assertThat(CliRun.of("validate", "--cases", CASES.toString(), "--threads", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void thresholdFailsTheRunAndBadFilesExitTwo() throws Exception {
        CliRun strict = CliRun.of("validate", "--cases", CASES.toString(), "--max-median-error", "0.001");
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.err()).contains("exceeds --max-median-error 0.1%");
        assertThat(strict.out()).contains("figures compared; median |error|");
        CliRun missing = CliRun.of("validate", "--cases", dir.resolve("none.csv").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("none.csv: not found");
        Files.writeString(dir.resolve("bad.csv"), "case,metric\nx,y\n");
        CliRun bad = CliRun.of("validate", "--cases", dir.resolve("bad.csv").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("missing column 'reported'");
        Files.write(dir.resolve("latin1.csv"), "case,metric,reported,unit\nqwen\u00e9,stepTimeSeconds,1,s\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CliRun latin1 = CliRun.of("validate", "--cases", dir.resolve("latin1.csv").toString());
        assertThat(latin1.exitCode()).as(latin1.err()).isEqualTo(2);
        assertThat(latin1.err()).isEqualTo("error: " + dir.resolve("latin1.csv") + ": not UTF-8 text" + System.lineSeparator());
        Files.writeString(dir.resolve("unnamed.csv"), "case,metric,reported,unit,\nx,y,1,s,z\n");
        CliRun unnamed = CliRun.of("validate", "--cases", dir.resolve("unnamed.csv").toString());
        assertThat(unnamed.exitCode()).isEqualTo(2);
        assertThat(unnamed.err()).contains("unnamed.csv: malformed CSV: line 1: a column of the header has no name");
    }
}
