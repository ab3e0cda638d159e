package io.moesim.gui;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesim.gui.viewmodel.TimelineData;
import io.moesim.gui.viewmodel.TimelineViewModel;
import io.moesim.engine.Category;
import io.moesim.engine.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Measures what one timeline frame costs with a million spans (16 GPUs × 3 streams of back-to-back
 * kernels from 1 to 40 µs, seeded), whole run in view and zoomed 100×: the time to issue the drawing
 * ({@link TimelineView#redraw()}) and the time the software renderer takes to rasterize it (a canvas
 * snapshot). Prints the medians (docs/gui.md quotes them); asserts only a generous bound, so a slow
 * machine does not fail the build.
 */
@ExtendWith(ApplicationExtension.class)
class TimelineRedrawBenchmarkTest {
    private static final int SPANS = 1_000_000;
    private TimelineViewModel vm;
    private TimelineView view;

    @Start
    void start(Stage stage) {
        vm = new TimelineViewModel();
        view = new TimelineView(vm);
        stage.setScene(new Scene(view, 1600, 700));
        stage.show();
    }

    static TimelineData synthetic(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int gpus = 16;
        long[] clock = new long[gpus * 3];
        Category[] cats = {Category.GEMM, Category.ATTENTION, Category.MEMORY, Category.EP_COMM, Category.TP_COMM};
        List<Span> spans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int q = i % clock.length;
            long start = clock[q] + (rnd.nextInt(8) == 0 ? rnd.nextLong(1, 20_000) : 0);
            long end = start + rnd.nextLong(1_000, 40_000);
            clock[q] = end;
            spans.add(new Span(i, "k" + (i % 97), cats[rnd.nextInt(cats.length)], q / 3, q % 3 == 2 ? 4 : q % 3, start,
                    end, 0, 1e9));
        }
        return TimelineData.of(spans, gpus);
    }

    private double[] measure(FxRobot robot, int frames) {
        long[] issue = new long[frames];
        long[] raster = new long[frames];
        for (int i = 0; i < frames; i++) {
            int k = i;
            robot.interact(() -> {
                view.redraw();
                issue[k] = view.lastRedrawNanos();
                long s = System.nanoTime();
                view.canvas().snapshot(null, null);
                raster[k] = System.nanoTime() - s;
            });
        }
        Arrays.sort(issue);
        Arrays.sort(raster);
        return new double[] {issue[frames / 2] / 1e6, raster[frames / 2] / 1e6};
    }

    @Test
    void aMillionSpansRedrawWithinAFrameBudget(FxRobot robot) {
        TimelineData data = synthetic(SPANS, 1);
        robot.interact(() -> vm.setData(data));
        measure(robot, 5);                                       // warm up
        double[] whole = measure(robot, 15);
        long wholeRects = view.lastRectangles();
        robot.interact(() -> vm.zoom(100, 0.5));
        double[] zoomed = measure(robot, 15);
        System.out.printf(Locale.ROOT, "timeline redraw, %d spans, %dx%d px canvas: whole run %.2f ms to issue + %.2f ms "
                        + "to rasterize (%d rectangles); zoomed 100x %.2f ms + %.2f ms (%d rectangles)%n", data.spanCount(),
                (int) view.canvas().getWidth(), (int) view.canvas().getHeight(), whole[0], whole[1], wholeRects,
                zoomed[0], zoomed[1], view.lastRectangles());
        assertThat(wholeRects).isLessThan(SPANS / 10);
        assertThat(whole[0]).isLessThan(250.0);
        assertThat(zoomed[0]).isLessThan(250.0);
    }
}
