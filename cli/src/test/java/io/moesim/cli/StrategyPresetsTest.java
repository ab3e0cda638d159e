package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import io.moesim.scenario.StrategySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every named system runs on the Qwen3-235B validation scenario, with zipf routing so the knobs matter. */
class StrategyPresetsTest {
    @TempDir
    Path dir;

    @Test
    void allPresetsRunAndTheModelledOnesDiffer() throws Exception {
        String base = Files.readString(Path.of("..", "validation", "scenarios", "qwen3-235b-h100x256-deepep.json"))
                .replace("\"kind\": \"balanced\"", "\"kind\": \"zipf\", \"skew\": 1.0");
        Map<String, Double> step = new LinkedHashMap<>();
        for (String name : StrategySpec.KNOWN_NAMES) {
            Path f = dir.resolve(name + ".json");
            String text = base.replace("\"name\": \"megatron\"", "\"name\": \"" + name + "\"");
            if (name.equals("dualpipe")) {
                // DualPipe runs its own two chunks per rank instead of virtual stages.
                text = text.replace("\"vpp\": 4", "\"vpp\": 1");
            }
            Files.writeString(f, text);
            CliRun run = CliRun.of("simulate", f.toString(), "--json");
            assertThat(run.exitCode()).as(name + ": " + run.err()).isZero();
            JsonNode n = Json.mapper().readTree(run.out());
            step.put(name, n.get("stepTimeSeconds").asDouble());
            assertThat(run.err()).as(name).doesNotContain("not modelled yet");
        }
        double megatron = step.get("megatron");
        assertThat(step.get("tutel")).isLessThan(megatron);          // pipelining hides exchange
        assertThat(step.get("fastermoe")).isLessThan(megatron);      // shadowing removes stragglers
        assertThat(step.get("comet")).isLessThan(megatron);
        assertThat(step.get("dualpipe")).isLessThan(megatron);       // forward&backward pairs hide the EP exchange
        assertThat(step.get("hecate")).isLessThan(megatron / 2);     // load-aware re-materialization balances zipf
        assertThat(step.get("speculative-moe")).isLessThan(megatron); // half the EP traffic kept local
        assertThat(step.values().stream().distinct().count()).isGreaterThanOrEqualTo(7);
    }
}
