package io.moesim.gui.viewmodel;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the workbench owns: one pool for {@link javafx.concurrent.Task}s (a simulation, a sweep,
 * a validation run), a pool sized to the machine for the independent simulations a sweep or a
 * validation run fans out to, a timer for debouncing, and the executor that runs code on the UI thread
 * ({@code Platform::runLater} in the app, a direct or queued executor in tests). All threads are daemons
 * and named {@code moesim-*}; {@link #close()} stops them.
 *
 * @implNote thread-safe.
 */
public final class BackgroundWork implements AutoCloseable {
    private final ExecutorService tasks;
    private final ExecutorService compute;
    private final ScheduledExecutorService timer;
    private final Executor ui;
    private final int computeThreads;

    /**
     * @param ui             runs a runnable on the UI thread
     * @param computeThreads simulations run at once by sweeps and validation
     */
    public BackgroundWork(Executor ui, int computeThreads) {
        if (computeThreads < 1) {
            throw new IllegalArgumentException("computeThreads must be at least 1, got " + computeThreads);
        }
        this.ui = ui;
        this.computeThreads = computeThreads;
        this.tasks = Executors.newCachedThreadPool(daemons("moesim-task"));
        this.compute = Executors.newFixedThreadPool(computeThreads, daemons("moesim-compute"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemons("moesim-timer"));
    }

    /** One compute thread per core. */
    public static BackgroundWork forMachine(Executor ui) {
        return new BackgroundWork(ui, Runtime.getRuntime().availableProcessors());
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Where {@link javafx.concurrent.Task}s run. */
    public ExecutorService tasks() {
        return tasks;
    }

    /** Where the independent simulations of a sweep or validation run. */
    public ExecutorService compute() {
        return compute;
    }

    /** Threads of {@link #compute()}. */
    public int computeThreads() {
        return computeThreads;
    }

    /** The debouncing timer. */
    public ScheduledExecutorService timer() {
        return timer;
    }

    /** Runs code on the UI thread. */
    public Executor ui() {
        return ui;
    }

    /** Stops every thread (running simulations see their tasks cancelled through their listeners). */
    @Override
    public void close() {
        tasks.shutdownNow();
        compute.shutdownNow();
        timer.shutdownNow();
        try {
            tasks.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
