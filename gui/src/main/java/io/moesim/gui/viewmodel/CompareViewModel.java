package io.moesim.gui.viewmodel;

import io.moesim.engine.SimulationCancelledException;
import io.moesim.engine.SimulationListener;
import io.moesim.io.InputException;
import io.moesim.io.Problem;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.ScenarioRules;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Violation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * Two simulations side by side: A is the editor's scenario, B either the same scenario with another
 * strategy preset ({@link Mode#STRATEGY}) or a second scenario file ({@link Mode#FILE}). {@link #compare()}
 * simulates both at once in a {@link Task} (each on a thread of the compute pool); {@link #rows()} then
 * holds the headline metrics and the breakdown with B − A, and {@link #outcomeA()}/{@link #outcomeB()}
 * feed the two step-time charts.
 *
 * <pre>{@code
 * compare.modeProperty().set(CompareViewModel.Mode.STRATEGY);
 * compare.otherStrategyProperty().set("deepspeed-moe");
 * compare.compare();           // later: compare.rows() — step time, tokens/s/GPU, …, B − A and %
 * }</pre>
 *
 * @implNote use it from the JavaFX application thread.
 */
public final class CompareViewModel {
    /** Where B comes from. */
    public enum Mode {
        /** the editor's scenario with another strategy preset */
        STRATEGY("another strategy of this scenario"),
        /** a scenario file */
        FILE("a scenario file");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final ScenarioEditorViewModel editor;
    private final BackgroundWork work;
    private final ScenarioReader reader;
    private final ObjectProperty<Mode> mode = new SimpleObjectProperty<>(this, "mode", Mode.STRATEGY);
    private final StringProperty otherStrategy = new SimpleStringProperty(this, "otherStrategy", "deepspeed-moe");
    private final ObjectProperty<Path> otherFile = new SimpleObjectProperty<>(this, "otherFile");
    private final ObservableList<CompareRow> rows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<SimulationOutcome> outcomeA = new ReadOnlyObjectWrapper<>(this, "outcomeA");
    private final ReadOnlyObjectWrapper<SimulationOutcome> outcomeB = new ReadOnlyObjectWrapper<>(this, "outcomeB");
    private final ReadOnlyStringWrapper labelA = new ReadOnlyStringWrapper(this, "labelA", "A");
    private final ReadOnlyStringWrapper labelB = new ReadOnlyStringWrapper(this, "labelB", "B");
    private final ReadOnlyStringWrapper chartTitleA = new ReadOnlyStringWrapper(this, "chartTitleA", "A");
    private final ReadOnlyStringWrapper chartTitleB = new ReadOnlyStringWrapper(this, "chartTitleB", "B");
    private final BackgroundRunner runner;
    private final ReadOnlyIntegerWrapper revision = new ReadOnlyIntegerWrapper(this, "revision", 0);

    public CompareViewModel(ScenarioEditorViewModel editor, BackgroundWork work, ModelCatalog catalog) {
        this.editor = editor;
        this.work = work;
        this.runner = BackgroundRunner.withoutProgress(this, work.tasks());
        this.reader = new ScenarioReader(catalog);
    }

    /**
     * B as this view-model would simulate it now, or the problems that stop it (as {@code field: message}).
     *
     * @throws InputException when B cannot be made (no file chosen, a file with problems, a strategy the
     *                        scenario's rules reject)
     */
    Scenario scenarioB(Scenario a) throws InputException {
        if (mode.get() == Mode.FILE) {
            Path f = otherFile.get();
            if (f == null) {
                throw new InputException(new Problem("compare", "", "choose the scenario file B"));
            }
            return reader.read(f);
        }
        String name = otherStrategy.get();
        if (name == null || !StrategySpec.KNOWN_NAMES.contains(name)) {
            throw new InputException(new Problem("compare", "strategy", "unknown strategy '" + name + "'"));
        }
        Scenario b = new Scenario(a.name(), a.workload(), a.model(), a.cluster(), a.parallel(), a.batch(), a.precision(),
                a.recompute(), a.moe(), new StrategySpec(name, a.strategy().a2aOverlap()), a.layer(), a.dispatch(),
                a.recomputeModules());
        List<Violation> v = ScenarioRules.check(b);
        if (!v.isEmpty()) {
            List<Problem> problems = new ArrayList<>();
            for (Violation x : v) {
                problems.add(new Problem("compare", x.field(), x.message()));
            }
            throw new InputException(problems);
        }
        return b;
    }

    /** Simulates A and B (cancelling a comparison in progress); says why not when either cannot be made. */
    public void compare() {
        Scenario a = editor.scenarioProperty().get();
        if (a == null) {
            runner.setStatus("fix the scenario's problems to compare it");
            return;
        }
        Scenario b;
        try {
            b = scenarioB(a);
        } catch (InputException e) {
            List<String> lines = new ArrayList<>();
            for (Problem p : e.problems()) {
                lines.add(p.field() == null || p.field().isEmpty() ? p.message() : p.field() + ": " + p.message());
            }
            runner.setStatus("B: " + String.join("; ", lines));
            return;
        }
        runner.cancel();
        Path fileA = editor.fileProperty().get();
        Path fileB = mode.get() == Mode.FILE ? otherFile.get().toAbsolutePath() : fileA;
        String la = mode.get() == Mode.STRATEGY ? a.name() + " (" + a.strategy().name() + ")" : a.name();
        String lb = mode.get() == Mode.STRATEGY ? b.name() + " (" + b.strategy().name() + ")" : b.name();
        Task<SimulationOutcome[]> task = new Task<>() {
            @Override
            protected SimulationOutcome[] call() throws Exception {
                SimulationListener listener = new SimulationListener() {
                    @Override
                    public void progress(int tasksDone, int tasksTotal, long simTimeNs) {
                    }

                    @Override
                    public boolean cancelled() {
                        return isCancelled();
                    }
                };
                Future<SimulationOutcome> fa = work.compute().submit(() -> ScenarioRunner.run(a, fileA, listener, false));
                Future<SimulationOutcome> fb = work.compute().submit(() -> ScenarioRunner.run(b, fileB, listener, false));
                try {
                    return new SimulationOutcome[] {fa.get(), fb.get()};
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SimulationCancelledException) {
                        cancel(false);
                        return null;
                    }
                    throw e.getCause() instanceof Exception ex ? ex : e;
                } finally {
                    fa.cancel(true);
                    fb.cancel(true);
                }
            }
        };
        runner.start(task, "simulating " + la + " and " + lb + "...", ab -> show(ab[0], ab[1], la, lb),
                () -> runner.setStatus("comparison cancelled"),
                t -> runner.setStatus("comparison failed: " + describe(t)));
    }

    private static String describe(Throwable t) {
        if (t instanceof io.moesim.profiles.ProfileException pe) {
            return String.join("; ", pe.problems());
        }
        return t == null ? "unknown error" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Shows two finished simulations (what {@link #compare()} does when they are done). */
    public void show(SimulationOutcome a, SimulationOutcome b, String nameA, String nameB) {
        labelA.set("A: " + nameA);
        labelB.set("B: " + nameB);
        outcomeA.set(a);
        outcomeB.set(b);
        chartTitleA.set(title(a, "A: " + nameA));
        chartTitleB.set(title(b, "B: " + nameB));
        rows.setAll(CompareRow.of(a, b));
        CompareRow first = rows.get(0);
        runner.setStatus(String.format(Locale.ROOT, "%s: B %s A by %s", first.metric(),
                first.verdict() == CompareRow.Verdict.BETTER ? "beats" : first.verdict() == CompareRow.Verdict.WORSE
                        ? "trails" : "matches", first.percentText().isEmpty() ? first.differenceText() : first.percentText()));
        revision.set(revision.get() + 1);
    }

    private static String title(SimulationOutcome o, String label) {
        return o.training() != null ? String.format(Locale.ROOT, "%s: step %.2f s", label, o.training().stepTimeSeconds())
                : label;
    }

    /** The title of A's step-time chart. */
    public ReadOnlyStringProperty chartTitleAProperty() {
        return chartTitleA.getReadOnlyProperty();
    }

    /** The title of B's step-time chart. */
    public ReadOnlyStringProperty chartTitleBProperty() {
        return chartTitleB.getReadOnlyProperty();
    }

    /** Stops the comparison in progress. */
    public void cancel() {
        runner.cancel();
    }

    public ObjectProperty<Mode> modeProperty() {
        return mode;
    }

    /** The modes B can come from. */
    public List<Mode> modes() {
        return List.of(Mode.values());
    }

    /** B's strategy preset in {@link Mode#STRATEGY}. */
    public StringProperty otherStrategyProperty() {
        return otherStrategy;
    }

    /** The strategy presets to choose from. */
    public List<String> strategyChoices() {
        return StrategySpec.KNOWN_NAMES;
    }

    /** B's scenario file in {@link Mode#FILE}. */
    public ObjectProperty<Path> otherFileProperty() {
        return otherFile;
    }

    /** The metrics of the last comparison, B against A. */
    public ObservableList<CompareRow> rows() {
        return rows;
    }

    public ReadOnlyObjectProperty<SimulationOutcome> outcomeA() {
        return outcomeA.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SimulationOutcome> outcomeB() {
        return outcomeB.getReadOnlyProperty();
    }

    /** A's name (and strategy) for the table and chart. */
    public ReadOnlyStringProperty labelAProperty() {
        return labelA.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty labelBProperty() {
        return labelB.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return runner.runningProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return runner.statusProperty();
    }

    /** Changes once per shown comparison, after every figure is in place (charts redraw on it). */
    public ReadOnlyIntegerProperty revisionProperty() {
        return revision.getReadOnlyProperty();
    }
}
