package io.moesim.gui.viewmodel;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action once a burst of requests has gone quiet: each {@link #request()} restarts the delay,
 * and the action runs on the UI executor only after {@code delayMs} without a new request (typing a
 * number re-simulates once, not per keystroke).
 *
 * @implNote thread-safe.
 */
public final class Debouncer {
    private final ScheduledExecutorService timer;
    private final Executor ui;
    private final long delayMs;
    private final Runnable action;
    private ScheduledFuture<?> pending;

    public Debouncer(ScheduledExecutorService timer, Executor ui, long delayMs, Runnable action) {
        if (delayMs < 0) {
            throw new IllegalArgumentException("delayMs must not be negative, got " + delayMs);
        }
        this.timer = timer;
        this.ui = ui;
        this.delayMs = delayMs;
        this.action = action;
    }

    /** (Re)starts the delay. */
    public synchronized void request() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = timer.schedule(() -> ui.execute(action), delayMs, TimeUnit.MILLISECONDS);
    }

    /** Drops a pending run. */
    public synchronized void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** Whether a run is scheduled and has not started. */
    public synchronized boolean isPending() {
        return pending != null && !pending.isDone();
    }
}
