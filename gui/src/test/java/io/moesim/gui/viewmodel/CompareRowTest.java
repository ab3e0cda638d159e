package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Differences of two values, hand-computed: absolute, per cent, and which side is better. */
class CompareRowTest {
    @Test
    void aShorterStepIsBetterAndAFasterThroughputToo() {
        CompareRow step = CompareRow.of("step time", "s", 2.0, 1.5, true);
        assertThat(step.difference()).isEqualTo(-0.5);
        assertThat(step.percent()).isEqualTo(-25.0);
        assertThat(step.differenceText()).isEqualTo("-0.500");
        assertThat(step.percentText()).isEqualTo("-25.0%");
        assertThat(step.verdict()).isEqualTo(CompareRow.Verdict.BETTER);
        CompareRow tokens = CompareRow.of("tokens/s/GPU", "tokens/s", 1200, 1500, false);
        assertThat(tokens.differenceText()).isEqualTo("+300.0");
        assertThat(tokens.percentText()).isEqualTo("+25.0%");
        assertThat(tokens.verdict()).isEqualTo(CompareRow.Verdict.BETTER);
        assertThat(CompareRow.of("peak memory", "GiB", 60, 66, true).verdict()).isEqualTo(CompareRow.Verdict.WORSE);
    }

    @Test
    void tinyDifferencesAreTheSameAndMissingValuesAreNotCompared() {
        assertThat(CompareRow.of("compute", "s", 1.0, 1.0001, true).verdict()).isEqualTo(CompareRow.Verdict.SAME);
        assertThat(CompareRow.of("bubble", "s", 0, 0, true).verdict()).isEqualTo(CompareRow.Verdict.SAME);
        assertThat(CompareRow.of("bubble", "s", 0, 0.2, true).percentText()).isEmpty();
        assertThat(CompareRow.of("x", "s", Double.NaN, 1, true).verdict()).isEqualTo(CompareRow.Verdict.NONE);
        CompareRow fits = CompareRow.of("fits in HBM", "", 0, 1, false);
        assertThat(fits.aText()).isEqualTo("no");
        assertThat(fits.bText()).isEqualTo("yes");
        assertThat(fits.differenceText()).isEqualTo("B fits, A does not");
        assertThat(fits.verdict()).isEqualTo(CompareRow.Verdict.BETTER);
    }
}
