package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moesim.engine.Category;
import io.moesim.engine.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Zoom, pan, rank filter and hover, without a toolkit. */
class TimelineViewModelTest {
    private final TimelineViewModel vm = new TimelineViewModel();

    private void showRandom() {
        vm.setData(TimelineDataTest.random(20_000, 4, 11));
    }

    @Test
    void newDataIsShownWhole() {
        showRandom();
        assertThat(vm.viewStartNsProperty().get()).isZero();
        assertThat(vm.viewEndNsProperty().get()).isEqualTo(vm.dataProperty().get().endNs());
        assertThat(vm.visibleRowCount()).isEqualTo(12);
        assertThat(vm.zoomLevel()).isEqualTo(1.0);
    }

    @Test
    void zoomKeepsTheTimeUnderThePointer() {
        showRandom();
        double t0 = vm.viewStartNsProperty().get();
        double t1 = vm.viewEndNsProperty().get();
        double anchor = t0 + 0.3 * (t1 - t0);
        int rev = vm.revisionProperty().get();
        vm.zoom(4, 0.3);
        double n0 = vm.viewStartNsProperty().get();
        double n1 = vm.viewEndNsProperty().get();
        assertThat(n1 - n0).isCloseTo((t1 - t0) / 4, within(1e-6));
        assertThat(n0 + 0.3 * (n1 - n0)).isCloseTo(anchor, within(1e-3));
        assertThat(vm.zoomLevel()).isCloseTo(4, within(1e-9));
        assertThat(vm.revisionProperty().get()).isGreaterThan(rev);
        vm.zoomOut();
        vm.zoomOut();
        vm.zoomOut();                                                         // cannot zoom out past the run
        assertThat(vm.viewStartNsProperty().get()).isZero();
        assertThat(vm.zoomLevel()).isCloseTo(1, within(1e-9));
    }

    @Test
    void zoomStopsAtAMicrosecond() {
        showRandom();
        for (int i = 0; i < 60; i++) {
            vm.zoomIn();
        }
        assertThat(vm.viewEndNsProperty().get() - vm.viewStartNsProperty().get()).isEqualTo(TimelineViewModel.MIN_WINDOW_NS);
    }

    @Test
    void panMovesByAFractionOfTheWindowAndStaysInTheRun() {
        showRandom();
        vm.zoom(10, 0);
        double w = vm.viewEndNsProperty().get() - vm.viewStartNsProperty().get();
        vm.pan(0.5);
        assertThat(vm.viewStartNsProperty().get()).isCloseTo(0.5 * w, within(1e-6));
        vm.pan(-3);
        assertThat(vm.viewStartNsProperty().get()).isZero();
        vm.pan(1000);
        assertThat(vm.viewEndNsProperty().get()).isEqualTo(vm.dataProperty().get().endNs());
        assertThat(vm.viewEndNsProperty().get() - vm.viewStartNsProperty().get()).isCloseTo(w, within(1e-6));
    }

    @Test
    void rankFilterPicksGpusAndExplainsMistakes() {
        showRandom();
        vm.rankFilterProperty().set("1-2");
        assertThat(vm.visibleRowCount()).isEqualTo(6);
        assertThat(vm.dataProperty().get().rowGpu(vm.visibleRow(0))).isEqualTo(1);
        assertThat(vm.rankFilterErrorProperty().get()).isEmpty();
        vm.mainStreamOnlyProperty().set(true);
        assertThat(vm.visibleRowCount()).isEqualTo(2);
        vm.mainStreamOnlyProperty().set(false);
        vm.rankFilterProperty().set("7");
        assertThat(vm.rankFilterErrorProperty().get()).contains("outside 0..3");
        assertThat(vm.visibleRowCount()).isEqualTo(12);                        // all shown meanwhile
        vm.rankFilterProperty().set("x");
        assertThat(vm.rankFilterErrorProperty().get()).contains("bad rank range 'x'");
        vm.rankFilterProperty().set("");
        assertThat(vm.rankFilterErrorProperty().get()).isEmpty();
    }

    @Test
    void hoverDescribesTheSpan() {
        Span gemm = new Span(0, "layer3.fc1 (mb 7)", Category.GEMM, 0, 0, 1_000_000, 3_000_000, 0, 2.4e12);
        Span a2a = new Span(1, "dispatch", Category.EP_COMM, 0, 0, 3_000_000, 4_000_000, 64_000_000, 0);
        vm.setData(TimelineData.of(List.of(gemm, a2a), 1));
        String text = vm.hover(0, 500, 1000);                               // 2 ms of the 4 ms run at 1000 px
        assertThat(text).contains("layer3.fc1 (mb 7)").contains("GEMM").contains("start 1.000 ms")
                .contains("duration 2.000 ms").contains("2400.000 GFLOP").contains("1200.0 TFLOPS");
        assertThat(vm.hoverTextProperty().get()).isEqualTo(text);
        assertThat(vm.hover(0, 875, 1000)).contains("dispatch").contains("64.000 MB").contains("64.0 GB/s");
        assertThat(vm.hover(0, 100, 1000)).isEmpty();
        assertThat(vm.hover(-1, 500, 1000)).isEmpty();
        vm.clearHover();
        assertThat(vm.hoverTextProperty().get()).isEmpty();
    }

    @Test
    void legendHasAColourPerCategory() {
        assertThat(vm.legendEntries()).hasSize(Category.values().length)
                .allSatisfy(e -> assertThat(e.color()).matches("#[0-9a-f]{6}"));
        assertThat(vm.legendEntries().stream().map(TimelineViewModel.LegendEntry::color).distinct()).hasSize(Category.values().length);
    }
}
