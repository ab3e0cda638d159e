package io.moesim.gui.viewmodel;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;

/**
 * One view-model's background {@link Task}, one at a time, and what the view shows about it: whether it
 * is running, its progress (when the view-model has a progress bar) and the status line. The simulation,
 * the comparison, the layout search, the sweep and the validation run each own one.
 *
 * <p>{@link #start} makes a task the current one (cancelling the one before, if still running), marks
 * it running, binds the progress to it, sets the status text, and runs it on the executor. When it ends,
 * and only if it is still the current task, the progress returns to 0, the handler for how it ended
 * runs, and running turns false; a task that a newer one replaced ends silently.
 *
 * <pre>{@code
 * runner.cancel();                   // the old task's cancelled handler runs now
 * results.clear();
 * runner.start(task, "simulating...", value -> results.setAll(value),
 *         () -> runner.setStatus("cancelled"), error -> runner.setStatus("failed: " + error));
 * }</pre>
 *
 * @implNote use it from the JavaFX application thread (a task cancelled there reports at once).
 */
final class BackgroundRunner {
    private final Executor executor;
    private final ReadOnlyBooleanWrapper running;
    private final ReadOnlyDoubleWrapper progress;
    private final ReadOnlyStringWrapper status;
    private Task<?> current;

    private BackgroundRunner(Object bean, Executor executor, boolean withProgress) {
        this.executor = executor;
        this.running = new ReadOnlyBooleanWrapper(bean, "running", false);
        this.progress = withProgress ? new ReadOnlyDoubleWrapper(bean, "progress", 0) : null;
        this.status = new ReadOnlyStringWrapper(bean, "status", "");
    }

    /**
     * A runner whose progress follows its task's.
     *
     * @param bean     the view-model, the properties' bean
     * @param executor where the tasks run
     */
    static BackgroundRunner withProgress(Object bean, Executor executor) {
        return new BackgroundRunner(bean, executor, true);
    }

    /** A runner without progress ({@link #progressProperty()} is not available). */
    static BackgroundRunner withoutProgress(Object bean, Executor executor) {
        return new BackgroundRunner(bean, executor, false);
    }

    /**
     * Starts {@code task} as the current task (cancelling a current one first).
     *
     * @param startStatus what the status line says while it runs
     * @param succeeded   runs with the task's value when it succeeds
     * @param cancelled   runs when it is cancelled
     * @param failed      runs with the task's exception when it fails
     */
    <T> void start(Task<T> task, String startStatus, Consumer<? super T> succeeded, Runnable cancelled,
                   Consumer<Throwable> failed) {
        cancel();
        current = task;
        running.set(true);
        if (progress != null) {
            progress.bind(task.progressProperty());
        }
        status.set(startStatus);
        task.setOnSucceeded(e -> finish(task, () -> succeeded.accept(task.getValue())));
        task.setOnCancelled(e -> finish(task, cancelled));
        task.setOnFailed(e -> finish(task, () -> failed.accept(task.getException())));
        executor.execute(task);
    }

    private void finish(Task<?> task, Runnable then) {
        if (task != current) {
            return; // a newer task has taken over
        }
        if (progress != null) {
            progress.unbind();
            progress.set(0);
        }
        current = null;
        then.run();
        running.set(false);
    }

    /** Cancels the current task, if any (on the application thread its cancelled handler runs before this returns). */
    void cancel() {
        if (current != null) {
            current.cancel(true);
        }
    }

    /** Whether {@code task} is the current task. */
    boolean isCurrent(Task<?> task) {
        return task != null && task == current;
    }

    /** Sets the status line. */
    void setStatus(String text) {
        status.set(text);
    }

    ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /**
     * 0 to 1 (-1 while unknown) while a task runs, 0 otherwise.
     *
     * @throws IllegalStateException for a runner made {@link #withoutProgress}
     */
    ReadOnlyDoubleProperty progressProperty() {
        if (progress == null) {
            throw new IllegalStateException("this runner has no progress");
        }
        return progress.getReadOnlyProperty();
    }

    ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }
}
