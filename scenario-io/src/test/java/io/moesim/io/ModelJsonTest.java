package io.moesim.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import org.junit.jupiter.api.Test;

class ModelJsonTest {

    @Test
    void everyPresetRoundTrips() {
        ModelJson json = new ModelJson(Json.mapper());
        for (ModelSpec m : ModelCatalog.builtIn().models()) {
            ObjectNode node = json.write(m);
            Problems problems = new Problems("test");
            ModelSpec back = json.read(new Fields(node, "model", problems));
            assertThat(problems.isEmpty()).as(m.id()).isTrue();
            assertThat(back).isEqualTo(m);
        }
    }
}
