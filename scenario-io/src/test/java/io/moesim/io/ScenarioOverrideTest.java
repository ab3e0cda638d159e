package io.moesim.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioOverrideTest {
    private static final Path QWEN3 = Path.of("..", "validation", "scenarios", "qwen3-235b-h100x256-deepep.json");
    private final ScenarioReader reader = new ScenarioReader(ModelCatalog.builtIn());

    @Test
    void valuesAreJsonWhenTheyParseAndStringsOtherwise() {
        assertThat(ScenarioOverride.parse("strategy.hostLaunchUs=90").value().isNumber()).isTrue();
        assertThat(ScenarioOverride.parse("strategy.a2aOverlap=true").value().asBoolean()).isTrue();
        assertThat(ScenarioOverride.parse("moe.capacityFactor=null").value().isNull()).isTrue();
        assertThat(ScenarioOverride.parse("moe.dispatcher=deepep").value().asText()).isEqualTo("deepep");
        assertThat(ScenarioOverride.parse("name=\"a b\"").value().asText()).isEqualTo("a b");
        assertThat(ScenarioOverride.parse("moe.routing={\"kind\": \"zipf\", \"skew\": 1.2}").value().get("skew")
                .asDouble()).isEqualTo(1.2);
        ScenarioOverride o = ScenarioOverride.parse(" parallel.tp = 4 ");
        assertThat(o.path()).containsExactly("parallel", "tp");
        assertThat(o.value().asInt()).isEqualTo(4);
    }

    @Test
    void malformedOverridesAreRejectedWithTheRule() {
        assertThatThrownBy(() -> ScenarioOverride.parse("strategyhostLaunchUs"))
                .hasMessage("--set strategyhostLaunchUs: expected PATH=VALUE, e.g. strategy.hostLaunchUs=90");
        assertThatThrownBy(() -> ScenarioOverride.parse("=3")).hasMessageContaining("expected PATH=VALUE");
        assertThatThrownBy(() -> ScenarioOverride.parse("parallel..tp=3"))
                .hasMessageContaining("'parallel..tp' is not a dotted field path");
        assertThatThrownBy(() -> ScenarioOverride.parse("parallel.tp="))
                .hasMessage("--set parallel.tp=: no value after '='");
    }

    @Test
    void missingObjectsAreCreatedAndNonObjectsOnThePathRefused() {
        ObjectNode root = Json.mapper().createObjectNode().put("model", "qwen3-235b-a22b");
        ScenarioOverride.parse("strategy.hostLaunchUs=75").applyTo(root);
        assertThat(root.at("/strategy/hostLaunchUs").asInt()).isEqualTo(75);
        assertThatThrownBy(() -> ScenarioOverride.parse("model.layers=2").applyTo(root))
                .hasMessage("'model' is string \"qwen3-235b-a22b\" in the scenario, not an object that could hold 'layers'");
    }

    @Test
    void theReaderAppliesOverridesInOrderAndNamesThemInMessages() throws InputException {
        Scenario s = reader.read(QWEN3, List.of(ScenarioOverride.parse("parallel.tp=4"),
                ScenarioOverride.parse("moe.dispatcher=alltoall"), ScenarioOverride.parse("strategy.hostLaunchUs=90"),
                ScenarioOverride.parse("strategy.hostLaunchUs=75")));
        assertThat(s.parallel().tp()).isEqualTo(4);
        assertThat(s.moe().dispatcher()).isEqualTo(Dispatcher.ALLTOALL);
        assertThat(s.strategy().knobs().hostLaunchUs()).isEqualTo(75.0);
        assertThat(s.name()).isEqualTo("qwen3-235b-h100x256-deepep");
        assertThat(reader.read(QWEN3, List.of())).isEqualTo(reader.read(QWEN3));
        assertThatThrownBy(() -> reader.read(QWEN3, List.of(ScenarioOverride.parse("strategy.hostLaunchUs=abc"))))
                .isInstanceOfSatisfying(InputException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    Problem p = e.problems().get(0);
                    assertThat(p.file()).isEqualTo(QWEN3 + " (with --set strategy.hostLaunchUs=abc)");
                    assertThat(p.field()).isEqualTo("strategy.hostLaunchUs");
                });
        assertThatThrownBy(() -> reader.read(QWEN3, List.of(ScenarioOverride.parse("cluster.gpu.x=1"))))
                .isInstanceOfSatisfying(InputException.class, e ->
                        assertThat(e.problems().get(0).field()).isEqualTo("cluster.gpu.x"));
    }
}
