package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimeFormatTest {
    @Test
    void formatsInTheLargestUnit() {
        assertThat(TimeFormat.ns(850)).isEqualTo("850 ns");
        assertThat(TimeFormat.ns(12_400)).isEqualTo("12.40 us");
        assertThat(TimeFormat.ns(3_200_000)).isEqualTo("3.200 ms");
        assertThat(TimeFormat.ns(17.486e9)).isEqualTo("17.486 s");
    }

    @Test
    void ticksAreRoundNumbers() {
        assertThat(TimeFormat.tickStep(17.5e9, 10)).isEqualTo(2e9);
        List<Double> ticks = TimeFormat.ticks(0, 17.5e9, 10);
        assertThat(ticks).hasSize(9).startsWith(0.0, 2e9);
        assertThat(TimeFormat.ticks(5, 5, 10)).isEmpty();
    }
}
