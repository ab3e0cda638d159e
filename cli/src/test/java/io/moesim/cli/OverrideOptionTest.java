package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --set PATH=VALUE}: a what-if change to every scenario a command reads, as if the file said so. */
class OverrideOptionTest {
    private static final Path SONIC = Path.of("..", "examples", "reproductions", "sonicmoe-uniform-megatron.json");

    @TempDir
    Path dir;

    /** A copy of the SonicMoE example with its launch cost per kernel set in the file. */
    private Path editedCopy(String name, double hostLaunchUs) throws Exception {
        ObjectNode root = (ObjectNode) Json.mapper().readTree(SONIC.toFile());
        ((ObjectNode) root.get("strategy")).put("hostLaunchUs", hostLaunchUs);
        Path f = dir.resolve(name);
        Files.writeString(f, Json.pretty(root));
        return f;
    }

    @Test
    void simulateWithAnOverrideEqualsSimulatingTheEditedFile() throws Exception {
        CliRun set = CliRun.of("simulate", SONIC.toString(), "--set", "strategy.hostLaunchUs=500", "--json");
        CliRun edited = CliRun.of("simulate", editedCopy("edited.json", 500).toString(), "--json");
        CliRun plain = CliRun.of("simulate", SONIC.toString(), "--json");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo(edited.out());
        // 500 us per launch makes this small step host-bound: slower than the measured 58 us
        assertThat(Json.mapper().readTree(set.out()).get("stepTimeSeconds").asDouble())
                .isGreaterThan(Json.mapper().readTree(plain.out()).get("stepTimeSeconds").asDouble());
    }

    @Test
    void validateAppliesTheOverrideToEveryCaseAndSaysSo() throws Exception {
        Path scenarios = Files.createDirectories(dir.resolve("scenarios"));
        Files.copy(SONIC, scenarios.resolve("sonic.json"));
        Path cases = dir.resolve("cases.csv");
        Files.writeString(cases, "case,metric,reported,unit,source,completeness,notes\n"
                + "sonic,stepTimeSeconds,1.2,s,moe-sim test,complete,\n");
        CliRun run = CliRun.of("validate", "--cases", cases.toString(), "--set", "strategy.hostLaunchUs=500", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode n = Json.mapper().readTree(run.out());
        double expected = Json.mapper().readTree(CliRun.of("simulate", editedCopy("e.json", 500).toString(), "--json")
                .out()).get("stepTimeSeconds").asDouble();
        assertThat(n.at("/cases/0/predicted").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(6e-4)); // rounded to 3 and 4 places
        assertThat(n.at("/summary/overrides/0").asText()).isEqualTo("strategy.hostLaunchUs=500");
        CliRun text = CliRun.of("validate", "--cases", cases.toString(), "--set", "strategy.hostLaunchUs=500");
        assertThat(text.out()).contains("every scenario read with --set strategy.hostLaunchUs=500 (a what-if");
        assertThat(CliRun.of("validate", "--cases", cases.toString()).out()).doesNotContain("--set");
    }

    @Test
    void exportAndSearchReadTheOverriddenScenarioToo() {
        CliRun export = CliRun.of("export", SONIC.toString(), "--format", "scenario", "--set", "strategy.hostLaunchUs=90");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("\"hostLaunchUs\": 90.0");
        CliRun search = CliRun.of("search", SONIC.toString(), "--set", "parallel.tp=nope");
        assertThat(search.exitCode()).isEqualTo(2);
        assertThat(search.err()).contains("(with --set parallel.tp=nope): parallel.tp:");
    }

    @Test
    void badOverridesExitTwoNamingTheOptionOrTheField() {
        CliRun syntax = CliRun.of("simulate", SONIC.toString(), "--set", "strategy.hostLaunchUs");
        assertThat(syntax.exitCode()).isEqualTo(2);
        assertThat(syntax.err()).contains("--set strategy.hostLaunchUs: expected PATH=VALUE");
        assertThat(syntax.out()).isEmpty();
        CliRun value = CliRun.of("memory", SONIC.toString(), "--set", "strategy.hostLaunchUs=-1");
        assertThat(value.exitCode()).isEqualTo(2);
        assertThat(value.err()).contains(SONIC + " (with --set strategy.hostLaunchUs=-1): strategy.hostLaunchUs:");
        CliRun path = CliRun.of("check", SONIC.toString(), "--set", "model.layers=2");
        assertThat(path.exitCode()).isEqualTo(2);
        assertThat(path.err()).contains("model.layers: 'model' is string");
        assertThat(path.err()).doesNotContain("Exception");
        CliRun layout = CliRun.of("check", SONIC.toString(), "--set", "parallel.ep=3");
        assertThat(layout.exitCode()).isEqualTo(2);
        assertThat(layout.err()).contains("parallel.ep");
    }
}
