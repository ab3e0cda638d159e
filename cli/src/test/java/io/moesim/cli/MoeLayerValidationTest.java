package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Regression guard, not the 20% bar: the Flux H800 TP8 / 32 experts / top-4 case against bytedance/flux
 * docs/performance.md (layer 0 1.146 ms, layer 1 1.863 ms). Today: layer 0 −1.6%, layer 1 −36.4%,
 * layerTimeMs −20.9%.
 */
class MoeLayerValidationTest {
    @Test
    void fluxCaseDoesNotRegress() throws Exception {
        CliRun r = CliRun.of("simulate",
                Path.of("..", "validation", "scenarios", "flux-comet-h800-tp8-e32-top4.json").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode n = Json.mapper().readTree(r.out());
        assertThat(Math.abs(n.get("layerTimeMs").asDouble() / 3.009 - 1)).as("today 20.9%").isLessThan(0.22);
        assertThat(Math.abs(n.get("layer0Ms").asDouble() / 1.146 - 1)).as("today 1.6%").isLessThan(0.05);
        assertThat(Math.abs(n.get("layer1Ms").asDouble() / 1.863 - 1)).as("today 36.4%").isLessThan(0.38);
    }
}
