package io.moesim.gui.viewmodel;

import io.moesim.engine.SimulationCancelledException;
import io.moesim.engine.SimulationListener;
import io.moesim.profiles.ProfileException;
import io.moesim.scenario.Scenario;
import java.nio.file.Path;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.concurrent.Task;

/**
 * Simulates the editor's scenario off the UI thread: {@link #simulate()} starts a
 * {@link javafx.concurrent.Task} on the app's task pool (a newer request cancels an older run), the
 * engine's progress reaches {@link #progressProperty()} at most once per frame, {@link #cancel()} stops
 * the engine through its {@link SimulationListener}, and the finished run becomes
 * {@link #outcomeProperty()}. With {@link #autoSimulateProperty()} on, every change that leaves the
 * scenario valid re-simulates after a short quiet period.
 *
 * <p>Failures (an unreadable profile, an engine error) are reported in {@link #statusProperty()}, never
 * as a dialog.
 *
 * @implNote use it from the JavaFX application thread.
 */
public final class SimulationViewModel {
    /** Quiet period before an edit re-simulates, ms. */
    public static final long DEBOUNCE_MS = 400;

    private final ScenarioEditorViewModel editor;
    private final Debouncer debouncer;
    private final ReadOnlyObjectWrapper<SimulationOutcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome");
    private final BackgroundRunner runner;
    private final BooleanProperty autoSimulate = new SimpleBooleanProperty(this, "autoSimulate", true);

    public SimulationViewModel(ScenarioEditorViewModel editor, BackgroundWork work) {
        this.editor = editor;
        this.runner = BackgroundRunner.withProgress(this, work.tasks());
        this.debouncer = new Debouncer(work.timer(), work.ui(), DEBOUNCE_MS, this::simulateIfValid);
        editor.scenarioProperty().addListener((obs, old, s) -> {
            if (s != null && autoSimulate.get()) {
                debouncer.request();
            }
        });
    }

    private void simulateIfValid() {
        if (editor.scenarioProperty().get() != null) {
            simulate();
        }
    }

    /** Simulates the editor's scenario now (cancelling a run in progress); does nothing but say why when invalid. */
    public void simulate() {
        debouncer.cancel();
        Scenario s = editor.scenarioProperty().get();
        if (s == null) {
            runner.setStatus("fix the scenario's problems to simulate it");
            return;
        }
        runner.cancel();
        Path file = editor.fileProperty().get();
        runner.start(new SimulationTask(s, file), "simulating " + s.name() + "...", o -> {
            outcome.set(o);
            runner.setStatus(String.format(Locale.ROOT, "simulated %s in %.0f ms (%d spans)", s.name(), o.wallMillis(),
                    o.timeline() == null ? 0 : o.timeline().spanCount()));
        }, () -> runner.setStatus("simulation cancelled"),
                t -> runner.setStatus("simulation failed: " + describe(t)));
    }

    private static String describe(Throwable t) {
        if (t instanceof ProfileException pe) {
            return String.join("; ", pe.problems());
        }
        return t == null ? "unknown error" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Stops the run in progress, if any (the engine stops at its next progress check). */
    public void cancel() {
        debouncer.cancel();
        runner.cancel();
    }

    /** The simulation as a Task: the engine run, then the timeline; cancellation reaches the engine. */
    private static final class SimulationTask extends Task<SimulationOutcome> {
        private final Scenario scenario;
        private final Path file;
        private final FrameThrottle throttle = new FrameThrottle();

        SimulationTask(Scenario scenario, Path file) {
            this.scenario = scenario;
            this.file = file;
        }

        @Override
        protected SimulationOutcome call() throws ProfileException {
            SimulationListener listener = new SimulationListener() {
                @Override
                public void progress(int tasksDone, int tasksTotal, long simTimeNs) {
                    if (throttle.due()) {
                        // leave the last few percent for building the timeline
                        updateProgress(0.95 * tasksDone, tasksTotal);
                    }
                }

                @Override
                public boolean cancelled() {
                    return isCancelled();
                }
            };
            try {
                return ScenarioRunner.run(scenario, file, listener, true);
            } catch (SimulationCancelledException e) {
                cancel(false);
                return null;
            }
        }
    }

    /** The last finished simulation, or null. */
    public ReadOnlyObjectProperty<SimulationOutcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    /** Whether a simulation is running. */
    public ReadOnlyBooleanProperty runningProperty() {
        return runner.runningProperty();
    }

    /** Progress of the running simulation, 0 to 1 (-1 while unknown). */
    public ReadOnlyDoubleProperty progressProperty() {
        return runner.progressProperty();
    }

    /** What happened last, in words. */
    public ReadOnlyStringProperty statusProperty() {
        return runner.statusProperty();
    }

    /** Whether a valid change re-simulates by itself. */
    public BooleanProperty autoSimulateProperty() {
        return autoSimulate;
    }
}
