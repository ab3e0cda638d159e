package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FrameThrottleTest {
    @Test
    void letsAtMostOneReportThroughPerFrame() {
        AtomicLong now = new AtomicLong(0);
        FrameThrottle t = new FrameThrottle(now::get);
        int due = 0;
        for (int i = 0; i < 10_000; i++) {          // 10,000 reports over 100 ms of fake time
            now.set(i * 10_000L);
            if (t.due()) {
                due++;
            }
        }
        assertThat(due).isBetween(6, 7);            // 100 ms / 16.7 ms
    }

    @Test
    void debouncerRunsOnceAfterABurst() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger runs = new AtomicInteger();
            List<Runnable> ui = new ArrayList<>();
            Debouncer d = new Debouncer(timer, r -> {
                synchronized (ui) {
                    ui.add(r);
                }
            }, 50, runs::incrementAndGet);
            for (int i = 0; i < 20; i++) {
                d.request();
            }
            assertThat(d.isPending()).isTrue();
            timer.schedule(() -> { }, 200, TimeUnit.MILLISECONDS).get();
            synchronized (ui) {
                assertThat(ui).hasSize(1);
                ui.get(0).run();
            }
            assertThat(runs).hasValue(1);
            d.request();
            d.cancel();
            timer.schedule(() -> { }, 150, TimeUnit.MILLISECONDS).get();
            synchronized (ui) {
                assertThat(ui).hasSize(1);
            }
        } finally {
            timer.shutdownNow();
        }
    }
}
