package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.concurrent.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The one-task-at-a-time runner the view-models share, on the JavaFX thread (headless toolkit): running,
 * progress and status while a task runs; the handler for how it ended; a task replaced by a newer one —
 * even one that finished but had not reported yet — ends silently.
 */
class BackgroundRunnerTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    private static void onFx(Runnable r) throws Exception {
        WaitForAsyncUtils.asyncFx(r).get(10, TimeUnit.SECONDS);
    }

    private static Task<String> task(String value, CountDownLatch release) {
        return new Task<>() {
            @Override
            protected String call() throws Exception {
                updateProgress(1, 4);
                if (release != null && !release.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
                return value;
            }
        };
    }

    private void start(BackgroundRunner runner, String name, Task<String> task) {
        runner.start(task, name + " running", v -> events.add(name + " succeeded: " + v + ", running "
                        + runner.runningProperty().get()), () -> events.add(name + " cancelled"),
                t -> events.add(name + " failed: " + t.getMessage()));
    }

    private static void waitUntilStopped(BackgroundRunner runner) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !onFx(() -> runner.runningProperty().get()));
    }

    @Test
    void runningProgressAndStatusFollowTheTask() throws Exception {
        BackgroundRunner runner = onFx(() -> BackgroundRunner.withProgress(this, pool));
        CountDownLatch release = new CountDownLatch(1);
        onFx(() -> start(runner, "a", task("done", release)));
        assertThat(onFx(() -> runner.runningProperty().get())).isTrue();
        assertThat(onFx(() -> runner.statusProperty().get())).isEqualTo("a running");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() -> runner.progressProperty().get()) == 0.25);
        release.countDown();
        waitUntilStopped(runner);
        assertThat(events).containsExactly("a succeeded: done, running true");   // the handler runs before running ends
        assertThat(onFx(() -> runner.progressProperty().get())).isZero();
        assertThat(runner.runningProperty().getBean()).isSameAs(this);
        assertThat(runner.progressProperty().getName()).isEqualTo("progress");
    }

    @Test
    void aNewerTaskCancelsTheRunningOneWhoseHandlerRunsAtOnce() throws Exception {
        BackgroundRunner runner = onFx(() -> BackgroundRunner.withProgress(this, pool));
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        onFx(() -> start(runner, "a", task("a", never)));
        onFx(() -> {
            start(runner, "b", task("b", release));
            events.add("b started");
        });
        assertThat(onFx(() -> runner.runningProperty().get())).isTrue();
        release.countDown();
        waitUntilStopped(runner);
        assertThat(events).containsExactly("a cancelled", "b started", "b succeeded: b, running true");
    }

    @Test
    void aReplacedTaskThatFinishedUnreportedEndsSilently() throws Exception {
        BackgroundRunner runner = onFx(() -> BackgroundRunner.withProgress(this, pool));
        Task<String> a = task("a", null);
        CountDownLatch release = new CountDownLatch(1);
        onFx(() -> {
            start(runner, "a", a);
            // a finishes on its thread; its success waits in the UI queue behind this block
            while (!a.isDone()) {
                Thread.onSpinWait();
            }
            start(runner, "b", task("b", release));
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(a::getState)).isEqualTo(javafx.concurrent.Worker.State.SUCCEEDED);
        assertThat(onFx(() -> runner.runningProperty().get())).isTrue();
        assertThat(events).isEmpty();
        release.countDown();
        waitUntilStopped(runner);
        assertThat(events).containsExactly("b succeeded: b, running true");
    }

    @Test
    void withoutProgressAFailureIsReported() throws Exception {
        BackgroundRunner runner = onFx(() -> BackgroundRunner.withoutProgress(this, pool));
        assertThatThrownBy(runner::progressProperty).isInstanceOf(IllegalStateException.class);
        onFx(() -> start(runner, "a", new Task<>() {
            @Override
            protected String call() {
                throw new IllegalArgumentException("no such layout");
            }
        }));
        waitUntilStopped(runner);
        assertThat(events).containsExactly("a failed: no such layout");
        onFx(() -> runner.setStatus("later"));
        assertThat(onFx(() -> runner.statusProperty().get())).isEqualTo("later");
        onFx(runner::cancel);   // nothing to cancel
        assertThat(events).hasSize(1);
    }
}
