package io.moesim.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void applyToChangesOnlyTheSearchedFields() {
        Scenario base = Fixtures.olmoe(2);
        Layout l = new Layout(1, 2, 2, 2, 1, 4, 1, 2, Recompute.FULL, Dispatcher.DEEPEP, true);
        Scenario s = l.applyTo(base);
        assertThat(Layout.of(s)).isEqualTo(l);
        assertThat(s.cluster().nodes()).isEqualTo(1);
        assertThat(s.cluster().gpu()).isEqualTo(base.cluster().gpu());
        assertThat(s.batch().globalBatch()).isEqualTo(base.batch().globalBatch());
        assertThat(s.batch().seqLen()).isEqualTo(base.batch().seqLen());
        assertThat(s.model()).isSameAs(base.model());
        assertThat(s.precision()).isEqualTo(base.precision());
        assertThat(s.moe().routing()).isEqualTo(base.moe().routing());
        assertThat(s.strategy().knobs()).isEqualTo(base.strategy().knobs());
        assertThat(s.parallel().zeroStage()).isEqualTo(base.parallel().zeroStage());
        assertThat(Layout.of(base).applyTo(base)).isEqualTo(base);
    }

    @Test
    void orderIsTotalAndFollowsTheFields() {
        Layout a = new Layout(2, 1, 1, 1, 1, 8, 1, 1, Recompute.NONE, Dispatcher.ALLTOALL, false);
        Layout b = new Layout(2, 1, 2, 1, 1, 8, 1, 1, Recompute.NONE, Dispatcher.ALLTOALL, false);
        Layout c = new Layout(2, 1, 2, 1, 1, 8, 1, 1, Recompute.NONE, Dispatcher.ALLTOALL, true);
        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
        assertThat(a.compareTo(new Layout(2, 1, 1, 1, 1, 8, 1, 1, Recompute.NONE, Dispatcher.ALLTOALL, false))).isZero();
        assertThat(c.toString()).isEqualTo("tp1 pp2 vpp1 cp1 ep8 etp1 mb1 none alltoall a2a-overlap");
    }

    @Test
    void rejectsNonPositiveSizesByName() {
        assertThatThrownBy(() -> new Layout(1, 0, 1, 1, 1, 1, 1, 1, Recompute.NONE, Dispatcher.ALLTOALL, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tp");
    }
}
