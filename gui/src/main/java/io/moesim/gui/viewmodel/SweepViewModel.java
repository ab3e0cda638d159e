package io.moesim.gui.viewmodel;

import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The what-if sweep: pick a {@link SweepKnob}, edit its values (comma-separated; choosing a knob fills in
 * its defaults for the current scenario), {@link #run()} — a {@link Task} fanning the simulations out to
 * the app's compute pool — and read {@link #points()} (step time and TFLOPS per value, or the rule a value
 * breaks). {@link #cancel()} stops every simulation of the sweep.
 *
 * @implNote use it from the JavaFX application thread.
 */
public final class SweepViewModel {
    private final ScenarioEditorViewModel editor;
    private final BackgroundWork work;
    private final ObjectProperty<SweepKnob> knob = new SimpleObjectProperty<>(this, "knob", SweepKnob.EP_SIZE);
    private final StringProperty valuesText = new SimpleStringProperty(this, "valuesText", "");
    private final ObservableList<SweepPoint> points = FXCollections.observableArrayList();
    private final BackgroundRunner runner;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "");
    /** The file whose scenario the values were made for. */
    private Path valuesFile;

    public SweepViewModel(ScenarioEditorViewModel editor, BackgroundWork work) {
        this.editor = editor;
        this.work = work;
        this.runner = BackgroundRunner.withProgress(this, work.tasks());
        knob.addListener(o -> resetValues());
        // A new file (or a first valid scenario) brings its own default values.
        editor.scenarioProperty().addListener((o, old, now) -> {
            Path f = editor.fileProperty().get();
            if (now != null && (valuesText.get().isBlank() || !java.util.Objects.equals(f, valuesFile))) {
                resetValues();
            }
        });
        resetValues();
    }

    /** The knob's default values for the editor's scenario (empty while the scenario is invalid). */
    public void resetValues() {
        Scenario s = editor.scenarioProperty().get();
        valuesFile = editor.fileProperty().get();
        if (s == null || s.workload() != Workload.TRAINING_STEP || knob.get() == null) {
            valuesText.set("");
            return;
        }
        valuesText.set(String.join(", ", knob.get().defaultValues(s)));
    }

    /** Starts the sweep over the editor's scenario. */
    public void run() {
        Scenario s = editor.scenarioProperty().get();
        if (s == null) {
            runner.setStatus("fix the scenario's problems to run a sweep");
            return;
        }
        if (s.workload() != Workload.TRAINING_STEP) {
            runner.setStatus("what-if sweeps need a training-step scenario");
            return;
        }
        List<String> values = SweepKnob.parseValues(valuesText.get());
        if (values.isEmpty()) {
            runner.setStatus("give at least one value");
            return;
        }
        runner.cancel();
        SweepKnob k = knob.get();
        Path file = editor.fileProperty().get();
        FrameThrottle throttle = new FrameThrottle();
        Task<List<SweepPoint>> task = new Task<>() {
            @Override
            protected List<SweepPoint> call() throws InterruptedException {
                updateProgress(0, values.size());
                try {
                    return Sweep.run(s, file, k, values, work.compute(), this::isCancelled, done -> {
                        if (throttle.due() || done == values.size()) {
                            updateProgress(done, values.size());
                        }
                    });
                } catch (CancellationException e) {
                    cancel(false);
                    return null;
                }
            }
        };
        points.clear();
        title.set(s.name() + ": " + k.label());
        runner.start(task, String.format(Locale.ROOT, "simulating %d values of %s...", values.size(), k.shortName()),
                result -> {
                    points.setAll(result);
                    long failed = result.stream().filter(p -> !p.ok()).count();
                    runner.setStatus(String.format(Locale.ROOT, "%d values simulated%s", values.size() - failed,
                            failed == 0 ? "" : ", " + failed + " not valid (see the table)"));
                }, () -> runner.setStatus("sweep cancelled"), t -> runner.setStatus("sweep failed: " + t));
    }

    /** Stops the sweep. */
    public void cancel() {
        runner.cancel();
    }

    public ObjectProperty<SweepKnob> knobProperty() {
        return knob;
    }

    /** Every knob. */
    public List<SweepKnob> knobs() {
        return List.of(SweepKnob.values());
    }

    /** The values to try, comma-separated. */
    public StringProperty valuesTextProperty() {
        return valuesText;
    }

    /** The last sweep's points, in the order of the values. */
    public ObservableList<SweepPoint> points() {
        return points;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return runner.runningProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return runner.progressProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return runner.statusProperty();
    }

    /** What the last sweep varied, for the chart's title. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }
}
