package io.moesim.gui.viewmodel;

import io.moesim.model.ModelCatalog;
import java.nio.file.Path;

/**
 * The workbench's view-models, wired together: the editor's valid scenario feeds the simulation, whose
 * outcome feeds the charts and the timeline; the sweep, the comparison and the layout search read the
 * editor's scenario (the search's Apply writes a layout back); the validation run stands alone. Owns the {@link BackgroundWork} it is given.
 *
 * <pre>{@code
 * WorkbenchViewModel vm = new WorkbenchViewModel(BackgroundWork.forMachine(Platform::runLater), Path.of(""));
 * vm.editor().load(Path.of("examples/qwen3-235b-h100x256-deepep.json"));   // simulates after a short pause
 * }</pre>
 *
 * @implNote use it from the JavaFX application thread.
 */
public final class WorkbenchViewModel implements AutoCloseable {
    private final BackgroundWork work;
    private final ScenarioEditorViewModel editor;
    private final SimulationViewModel simulation;
    private final TimelineViewModel timeline;
    private final ResultsViewModel results;
    private final SweepViewModel sweep;
    private final ValidationViewModel validation;
    private final CompareViewModel compare;
    private final SearchViewModel search;
    private final ExportViewModel export;

    /**
     * @param workingDir where to look for {@code validation/published-runs.csv} (and its parents)
     */
    public WorkbenchViewModel(BackgroundWork work, Path workingDir) {
        this.work = work;
        this.editor = new ScenarioEditorViewModel(ModelCatalog.builtIn());
        this.simulation = new SimulationViewModel(editor, work);
        this.timeline = new TimelineViewModel();
        this.results = new ResultsViewModel(simulation, timeline);
        this.sweep = new SweepViewModel(editor, work);
        this.validation = new ValidationViewModel(work, workingDir);
        this.compare = new CompareViewModel(editor, work, ModelCatalog.builtIn());
        this.search = new SearchViewModel(editor, work, ModelCatalog.builtIn());
        this.export = new ExportViewModel(editor, ModelCatalog.builtIn());
    }

    public ScenarioEditorViewModel editor() {
        return editor;
    }

    public SimulationViewModel simulation() {
        return simulation;
    }

    public TimelineViewModel timeline() {
        return timeline;
    }

    public ResultsViewModel results() {
        return results;
    }

    public SweepViewModel sweep() {
        return sweep;
    }

    public ValidationViewModel validation() {
        return validation;
    }

    public CompareViewModel compare() {
        return compare;
    }

    public SearchViewModel search() {
        return search;
    }

    /** The editor's Export (Megatron-LM arguments, DeepSpeed config, scenario file). */
    public ExportViewModel export() {
        return export;
    }

    /** Cancels everything running and stops the workbench's threads. */
    @Override
    public void close() {
        simulation.cancel();
        sweep.cancel();
        validation.cancel();
        compare.cancel();
        search.cancel();
        work.close();
    }
}
