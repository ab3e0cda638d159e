package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every reproduction scenario simulates, and the mechanisms point the way docs/reproductions.md says. */
class ReproductionsTest {
    private static final Path DIR = Path.of("..", "examples", "reproductions");

    private static double run(String name, String field) throws Exception {
        CliRun r = CliRun.of("simulate", DIR.resolve(name + ".json").toString(), "--json");
        assertThat(r.exitCode()).as(name + ": " + r.err()).isZero();
        JsonNode n = Json.mapper().readTree(r.out());
        return n.get(field).asDouble();
    }

    @Test
    void everyReproductionRunsAndEachSystemBeatsItsBaseline() throws Exception {
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(files.filter(p -> p.toString().endsWith(".json")).count()).isEqualTo(16);
        }
        assertThat(run("comet-flux-layer-megatron", "layerTimeMs") / run("comet-flux-layer-comet", "layerTimeMs"))
                .isBetween(1.3, 2.0);
        assertThat(run("fastermoe-zipf-megatron", "stepTimeSeconds") / run("fastermoe-zipf-fastermoe", "stepTimeSeconds"))
                .isGreaterThan(2.0);
        assertThat(run("a100x16-qwen3-30b-megatron", "stepTimeSeconds") / run("a100x16-qwen3-30b-tutel", "stepTimeSeconds"))
                .isGreaterThan(1.0);
        assertThat(run("a100x16-qwen3-30b-deepspeed-moe", "stepTimeSeconds")).isPositive();
        assertThat(run("a100x16-qwen3-30b-fsmoe", "stepTimeSeconds")).isPositive();
        assertThat(run("sonicmoe-uniform-sonicmoe", "stepTimeSeconds"))
                .isLessThanOrEqualTo(run("sonicmoe-uniform-megatron", "stepTimeSeconds"));
        assertThat(run("dualpipe-qwen3-1f1b", "stepTimeSeconds") / run("dualpipe-qwen3-dualpipe", "stepTimeSeconds"))
                .isBetween(1.1, 1.6);
        assertThat(run("hecate-zipf-megatron", "stepTimeSeconds") / run("hecate-zipf-hecate", "stepTimeSeconds"))
                .isGreaterThan(2.0);
        assertThat(run("speculative-moe-a100x16-megatron", "stepTimeSeconds")
                / run("speculative-moe-a100x16-speculative-moe", "stepTimeSeconds")).isGreaterThan(1.1);
    }
}
