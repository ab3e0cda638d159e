package io.moesim.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParetoObjectivesTest {

    @Test
    void parsesTheSupportedLists() {
        assertThat(ParetoObjectives.parse("throughput")).isNull();
        assertThat(ParetoObjectives.parse("throughput,memory")).isEqualTo(ParetoObjectives.THROUGHPUT_MEMORY);
        assertThat(ParetoObjectives.parse(" Memory , throughput")).isEqualTo(ParetoObjectives.THROUGHPUT_MEMORY);
        assertThat(ParetoObjectives.parse("throughput,gpus")).isEqualTo(ParetoObjectives.THROUGHPUT_GPUS);
        assertThat(ParetoObjectives.THROUGHPUT_GPUS.varyNodes()).isTrue();
    }

    @Test
    void rejectsByName() {
        assertThatThrownBy(() -> ParetoObjectives.parse("throughput,latency")).hasMessageContaining("'latency'");
        assertThatThrownBy(() -> ParetoObjectives.parse("memory,gpus")).hasMessageContaining("unsupported");
        assertThatThrownBy(() -> ParetoObjectives.parse("throughput,throughput")).hasMessageContaining("twice");
    }

    @Test
    void vectorsPutFeasibleAheadAndMinimiseByNegation() {
        Layout l = Fixtures.smallSpace().validLayouts().get(0);
        Evaluation e = new Evaluation(l, 16, true, true, 2, 1000, 100, 0.3, 50, 80);
        assertThat(ParetoObjectives.THROUGHPUT_MEMORY.maximisedVector(e)).containsExactly(1000, -50);
        assertThat(ParetoObjectives.THROUGHPUT_GPUS.maximisedVector(e)).containsExactly(16000, -16);
    }
}
