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
        // Regression guard at today's accuracy (8.3% median over all 18 figures), not the issues' bars.
        assertThat(summary.get("medianAbsRelativeError").asDouble()).isLessThan(0.09);
        for (JsonNode c : n.get("cases")) {
            double rel = (c.get("predicted").asDouble() - c.get("reported").asDouble()) / c.get("reported").asDouble();
            assertThat(c.get("relativeError").asDouble()).isCloseTo(rel, org.assertj.core.data.Offset.offset(1e-3));
        }
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
    }
}
