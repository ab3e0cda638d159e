package io.moesim.gui;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import org.testfx.util.WaitForAsyncUtils;

/** Waiting in the headless UI tests for a condition that must be read on the FX thread. */
final class FxWait {
    private FxWait() {
    }

    /** Polls {@code condition} on the FX thread until it holds, for at most {@code seconds}. */
    static void until(long seconds, Callable<Boolean> condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> {
            FutureTask<Boolean> f = new FutureTask<>(condition);
            Platform.runLater(f);
            return f.get(5, TimeUnit.SECONDS);
        });
    }
}
