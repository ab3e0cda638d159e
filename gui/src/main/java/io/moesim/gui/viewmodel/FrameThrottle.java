package io.moesim.gui.viewmodel;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets progress through at most once per frame (1/60 s): a background loop asks {@link #due()} before
 * it reports, so a {@link javafx.concurrent.Task}'s {@code updateProgress} — which itself keeps at most
 * one {@code Platform.runLater} pending — is called at most once per frame, however often the engine
 * reports.
 *
 * @implNote thread-safe.
 */
public final class FrameThrottle {
    /** One frame at 60 Hz, ns. */
    public static final long FRAME_NS = 16_666_667L;

    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    private final LongSupplier clock;

    /** A throttle on {@link System#nanoTime()}. */
    public FrameThrottle() {
        this(System::nanoTime);
    }

    /** A throttle on the given clock (ns). */
    public FrameThrottle(LongSupplier clock) {
        this.clock = clock;
    }

    /** Whether a frame has passed since the last time this returned true (the first call is always due). */
    public boolean due() {
        long now = clock.getAsLong();
        long prev = last.get();
        return (prev == Long.MIN_VALUE || now - prev >= FRAME_NS) && last.compareAndSet(prev, now);
    }
}
