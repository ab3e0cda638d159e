package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.engine.Category;
import io.moesim.engine.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimelineDataTest {
    private static Span span(int i, int gpu, int stream, long start, long end, Category c) {
        return new Span(i, "t" + i, c, gpu, stream, start, end, c.isCommunication() ? 1000 : 0, c.isCommunication() ? 0 : 1e9);
    }

    /** {@code n} back-to-back spans of 10 ns on GPU 0 stream 0, alternating GEMM (even) and EP_COMM (odd). */
    static TimelineData dense(int n) {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            spans.add(span(i, 0, 0, 10L * i, 10L * i + 10, i % 2 == 0 ? Category.GEMM : Category.EP_COMM));
        }
        return TimelineData.of(spans, 1);
    }

    /** Seeded random spans: {@code gpus} GPUs, 3 streams each, gaps and durations from 1 ns to 100 us. */
    static TimelineData random(int n, int gpus, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] clock = new long[gpus * 3];
        List<Span> spans = new ArrayList<>(n);
        Category[] cats = Category.values();
        for (int i = 0; i < n; i++) {
            int q = rnd.nextInt(clock.length);
            long start = clock[q] + rnd.nextLong(0, 5_000);
            long end = start + 1 + rnd.nextLong(0, rnd.nextInt(10) == 0 ? 100_000 : 2_000);
            clock[q] = end;
            spans.add(span(i, q / 3, q % 3 == 2 ? 9 : q % 3, start, end, cats[rnd.nextInt(cats.length)]));
        }
        return TimelineData.of(spans, gpus);
    }

    @Test
    void rowsAreGpuAndStreamPairsInOrder() {
        TimelineData d = random(5_000, 4, 7);
        assertThat(d.rowCount()).isEqualTo(12);
        for (int r = 1; r < d.rowCount(); r++) {
            assertThat(d.rowGpu(r) * 100 + d.rowStream(r)).isGreaterThan(d.rowGpu(r - 1) * 100 + d.rowStream(r - 1));
        }
        assertThat(d.rowLabel(0)).startsWith("GPU 0 · s0 ");
        int total = 0;
        for (int r = 0; r < d.rowCount(); r++) {
            total += d.rowSize(r);
        }
        assertThat(total).isEqualTo(5_000).isEqualTo(d.spanCount());
        assertThat(d.rowsOfGpu(2)).hasSize(3);
    }

    @Test
    void roleOfAStreamComesFromItsCategories() {
        List<Span> spans = List.of(span(0, 0, 0, 0, 10, Category.GEMM), span(1, 0, 0, 10, 20, Category.TP_COMM),
                span(2, 0, 5, 0, 10, Category.PP_COMM), span(3, 0, 9, 0, 30, Category.HOST));
        TimelineData d = TimelineData.of(spans, 1);
        assertThat(d.rowLabel(0)).isEqualTo("GPU 0 · s0 compute");
        assertThat(d.rowLabel(1)).isEqualTo("GPU 0 · s5 pp-comm");
        assertThat(d.rowLabel(2)).isEqualTo("GPU 0 · s9 host");
        assertThat(d.endNs()).isEqualTo(30);
    }

    @Test
    void wideSpansAreDrawnWhereTheyAre() {
        TimelineData d = dense(10);                        // 100 ns
        TimelineData.RowLayout out = new TimelineData.RowLayout();
        int n = d.layout(0, 0, 100, 1000, out);            // 10 px per ns: every span 100 px wide
        assertThat(n).isEqualTo(10);
        assertThat(out.x0(3)).isEqualTo(300.0);
        assertThat(out.x1(3)).isEqualTo(400.0);
        assertThat(out.category(3)).isEqualTo(Category.EP_COMM.ordinal());
        assertThat(out.spans(3)).isEqualTo(1);
    }

    @Test
    void subPixelSpansMergePerPixelColumn() {
        TimelineData d = dense(100_000);                   // 1 ms of 10 ns spans
        TimelineData.RowLayout out = new TimelineData.RowLayout();
        int n = d.layout(0, 0, d.endNs(), 800, out);
        assertThat(n).isBetween(790, 810);
        int spans = 0;
        for (int i = 0; i < n; i++) {
            spans += out.spans(i);
            assertThat(out.x1(i) - out.x0(i)).isGreaterThanOrEqualTo(1.0);
        }
        assertThat(spans).isEqualTo(100_000);
    }

    @Test
    void mergedColumnsTakeTheCategoryWithMostTime() {
        List<Span> spans = new ArrayList<>();
        spans.add(span(0, 0, 0, 0, 8, Category.GEMM));
        spans.add(span(1, 0, 0, 8, 10, Category.EP_COMM));
        TimelineData d = TimelineData.of(spans, 1);
        TimelineData.RowLayout out = new TimelineData.RowLayout();
        assertThat(d.layout(0, 0, 1000, 10, out)).isEqualTo(1);   // 100 ns per px: both in column 0
        assertThat(out.category(0)).isEqualTo(Category.GEMM.ordinal());
        assertThat(out.spans(0)).isEqualTo(2);
    }

    @Test
    void spansOutsideTheWindowAreCulled() {
        TimelineData d = dense(1_000);
        TimelineData.RowLayout out = new TimelineData.RowLayout();
        int n = d.layout(0, 5_000, 5_100, 1000, out);      // spans 500..509
        assertThat(n).isEqualTo(10);
        assertThat(out.x0(0)).isEqualTo(0.0);
        assertThat(d.layout(0, 20_000, 30_000, 1000, out)).isZero();
    }

    @Test
    void layoutNeverExceedsTwoRectanglesPerPixelOnRandomData() {
        TimelineData d = random(200_000, 8, 42);
        TimelineData.RowLayout out = new TimelineData.RowLayout();
        SplittableRandom rnd = new SplittableRandom(3);
        for (int k = 0; k < 200; k++) {
            int row = rnd.nextInt(d.rowCount());
            double t0 = rnd.nextDouble() * d.endNs();
            double t1 = t0 + 1 + rnd.nextDouble() * (d.endNs() - t0);
            int width = 100 + rnd.nextInt(1500);
            int n = d.layout(row, t0, t1, width, out);
            assertThat(n).isLessThanOrEqualTo(2 * width + 2);
            for (int i = 1; i < n; i++) {
                assertThat(out.x0(i)).isGreaterThanOrEqualTo(out.x0(i - 1));
            }
        }
    }

    @Test
    void spanAtFindsTheSpanUnderAndNearThePointer() {
        List<Span> spans = List.of(span(0, 0, 0, 100, 200, Category.GEMM), span(1, 0, 0, 300, 301, Category.MEMORY));
        TimelineData d = TimelineData.of(spans, 1);
        assertThat(d.spanAt(0, 150, 0)).isZero();
        assertThat(d.spanAt(0, 250, 10)).isEqualTo(-1);
        assertThat(d.spanAt(0, 295, 10)).isEqualTo(1);     // a 1 ns span, hit within the tolerance
        assertThat(d.span(0, 1).name()).isEqualTo("t1");
        assertThat(d.spanAt(0, 50, 10)).isEqualTo(-1);
    }
}
