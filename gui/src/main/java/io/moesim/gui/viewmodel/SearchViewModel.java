package io.moesim.gui.viewmodel;

import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;
import io.moesim.search.Evaluation;
import io.moesim.search.Layout;
import io.moesim.search.ParetoObjectives;
import io.moesim.search.ParetoResult;
import io.moesim.search.SearchResult;
import io.moesim.search.SearchSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The layout search of the editor's training-step scenario ({@code moe-sim search} in the workbench): a
 * method (genetic within a budget, with a seed, or exhaustive), optionally some dimensions of the space
 * replaced ({@code tp=1,2 ep=4,8}, as {@code --space}), then {@link #run()} — a {@link Task} — with progress,
 * the convergence (best tokens/s/GPU after each evaluated layout) and {@link #cancel()}. The best layouts
 * land in {@link #rows()}; {@link #apply(SearchRow)} puts one into the editor, {@link #export(SearchRow)}
 * renders it as Megatron-LM arguments, a DeepSpeed config or the canonical scenario JSON (what {@code moe-sim
 * export --format} prints), which {@link #saveExport(Path)} writes. With two {@link Objectives} the search is
 * NSGA-II (or exhaustive) and {@link #rows()} and {@link #front()} hold the Pareto front.
 *
 * <p>The best layout and the table are the same for a seed on any number of threads (the search is
 * deterministic); the convergence curve is drawn in the order evaluations finish, so with several threads
 * the points inside one generation may come in another order on another run, never the end of the curve.
 *
 * @implNote use it from the JavaFX application thread.
 */
public final class SearchViewModel {
    /** How to search. */
    public enum Method {
        /** Jenetics' genetic algorithm within the budget */
        GENETIC("genetic"),
        /** every valid layout */
        EXHAUSTIVE("exhaustive");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What the search maximises, and against what. */
    public enum Objectives {
        /** tokens/s/GPU alone: the best layouts ranked */
        THROUGHPUT("tokens/s/GPU", null),
        /** tokens/s/GPU against peak memory per GPU: a Pareto front */
        THROUGHPUT_MEMORY("tokens/s/GPU vs memory", ParetoObjectives.THROUGHPUT_MEMORY),
        /** tokens/s of the cluster against the GPU count (nodes searched from 1): a Pareto front */
        THROUGHPUT_GPUS("tokens/s vs GPUs", ParetoObjectives.THROUGHPUT_GPUS);

        private final String label;
        private final ParetoObjectives pareto;

        Objectives(String label, ParetoObjectives pareto) {
            this.label = label;
            this.pareto = pareto;
        }

        /** Whether the search yields a Pareto front rather than a ranking. */
        public boolean isPareto() {
            return pareto != null;
        }

        /** The objectives as {@code moe-sim search --objectives} names them. */
        public String id() {
            return pareto == null ? "throughput" : pareto.id();
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Rows the table keeps. */
    public static final int TOP = 20;

    private final ScenarioEditorViewModel editor;
    private final BackgroundWork work;
    private final ModelCatalog catalog;
    private final ObjectProperty<Method> method = new SimpleObjectProperty<>(this, "method", Method.GENETIC);
    private final IntegerProperty budget = new SimpleIntegerProperty(this, "budget", 100);
    private final IntegerProperty seed = new SimpleIntegerProperty(this, "seed", 1);
    private final StringProperty spaceText = new SimpleStringProperty(this, "spaceText", "");
    private final ObjectProperty<Objectives> objectives = new SimpleObjectProperty<>(this, "objectives", Objectives.THROUGHPUT);
    private final ObjectProperty<ExportFormat> exportFormat = new SimpleObjectProperty<>(this, "exportFormat",
            ExportFormat.SCENARIO);
    private final ObservableList<FrontPoint> front = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper frontXLabel = new ReadOnlyStringWrapper(this, "frontXLabel", "");
    private final ReadOnlyStringWrapper frontYLabel = new ReadOnlyStringWrapper(this, "frontYLabel", "");
    private final ObservableList<SearchRow> rows = FXCollections.observableArrayList();
    private final ObservableList<ConvergencePoint> convergence = FXCollections.observableArrayList();
    private final BackgroundRunner runner;
    private final ReadOnlyStringWrapper exportText = new ReadOnlyStringWrapper(this, "exportText", "");
    private final ReadOnlyStringWrapper exportTitle = new ReadOnlyStringWrapper(this, "exportTitle", "");
    /** The scenario and file of the last search, which its layouts are applied to. */
    private Scenario searched;
    private Path searchedFile;
    private ExportFormat exportedFormat = ExportFormat.SCENARIO;

    public SearchViewModel(ScenarioEditorViewModel editor, BackgroundWork work, ModelCatalog catalog) {
        this.editor = editor;
        this.work = work;
        this.runner = BackgroundRunner.withProgress(this, work.tasks());
        this.catalog = catalog;
    }

    /** Starts the search of the editor's scenario (cancelling one in progress). */
    public void run() {
        Scenario s = editor.scenarioProperty().get();
        if (s == null) {
            runner.setStatus("fix the scenario's problems to search its layouts");
            return;
        }
        if (s.workload() != Workload.TRAINING_STEP) {
            runner.setStatus("the layout search needs a training-step scenario");
            return;
        }
        if (budget.get() < 1) {
            runner.setStatus("budget must be at least 1, got " + budget.get());
            return;
        }
        runner.cancel();
        Path file = editor.fileProperty().get();
        boolean exhaustive = method.get() == Method.EXHAUSTIVE;
        int b = budget.get();
        long sd = seed.get();
        String text = spaceText.get();
        int threads = work.computeThreads();
        ConcurrentLinkedQueue<ConvergencePoint> pending = new ConcurrentLinkedQueue<>();
        AtomicBoolean flushQueued = new AtomicBoolean();
        FrameThrottle throttle = new FrameThrottle();
        Objectives goal = objectives.get();
        ParetoObjectives pareto = goal.pareto;
        Task<Object> task = new Task<>() {
            @Override
            protected Object call() throws Exception {
                updateProgress(-1, 1);
                SearchSpace space = SearchRun.space(s, text, pareto != null && pareto.varyNodes());
                int valid = space.validLayouts().size();
                updateMessage(String.format(Locale.ROOT, "%d valid layouts; searching (%s%s)...", valid,
                        exhaustive ? "exhaustive" : (pareto != null ? "NSGA-II" : "genetic") + ", budget " + b
                                + ", seed " + sd, pareto != null ? ", objectives " + pareto.id() : ""));
                java.util.function.Consumer<ConvergencePoint> onEvaluation = p -> {
                    pending.add(p);
                    // at most one UI update per frame: a flush is queued only when none is pending
                    if (throttle.due() && flushQueued.compareAndSet(false, true)) {
                        work.ui().execute(() -> {
                            flushQueued.set(false);
                            drain(pending);
                        });
                    }
                };
                try {
                    if (pareto != null) {
                        return SearchRun.runPareto(s, file, space, pareto, exhaustive, b, sd, threads, this::isCancelled,
                                onEvaluation, (done, planned) -> updateProgress(done, planned));
                    }
                    return SearchRun.run(s, file, space, exhaustive, b, sd, threads, this::isCancelled, onEvaluation,
                            (done, planned) -> updateProgress(done, planned));
                } catch (CancellationException e) {
                    cancel(false);
                    return null;
                }
            }
        };
        searched = s;
        searchedFile = file;
        rows.clear();
        front.clear();
        frontXLabel.set("");
        frontYLabel.set("");
        convergence.clear();
        exportText.set("");
        exportTitle.set("");
        task.messageProperty().addListener((o, old, m) -> {
            if (runner.isCurrent(task) && m != null && !m.isEmpty()) {
                runner.setStatus(m);
            }
        });
        runner.start(task, "building the search space of " + s.name() + "...", result -> {
            drain(pending);
            if (result instanceof ParetoResult r) {
                showFront(r);
            } else {
                showRanking((SearchResult) result, exhaustive);
            }
        }, () -> {
            drain(pending);
            runner.setStatus("search cancelled after " + convergence.size() + " evaluations");
        }, t -> runner.setStatus(t instanceof IllegalArgumentException ? t.getMessage() : "search failed: " + t));
    }

    private void showRanking(SearchResult r, boolean exhaustive) {
        List<SearchRow> top = new ArrayList<>();
        for (int i = 0; i < Math.min(TOP, r.ranked().size()); i++) {
            top.add(new SearchRow(i + 1, r.ranked().get(i)));
        }
        rows.setAll(top);
        runner.setStatus(r.best().map(best -> String.format(Locale.ROOT,
                "%s: %d of %d valid layouts evaluated (%d simulated) in %.1f s; best %.0f tokens/s/GPU: %s",
                r.method(), r.evaluations(), r.validLayouts(), r.simulations(), r.elapsedSeconds(),
                best.tokensPerSecondPerGpu(), best.layout().describeWithNodes()))
                .orElse(String.format(Locale.ROOT, "none of the %d evaluated layouts fits in the GPUs' memory%s",
                        r.evaluations(), exhaustive ? "" : "; raise the budget or search exhaustively")));
    }

    private void showFront(ParetoResult r) {
        ParetoObjectives o = r.objectives();
        List<SearchRow> all = new ArrayList<>();
        List<FrontPoint> points = new ArrayList<>();
        for (int i = 0; i < r.front().size(); i++) {
            Evaluation e = r.front().get(i);
            SearchRow row = new SearchRow(i + 1, e);
            all.add(row);
            points.add(new FrontPoint(o.minimised(e), o.maximised(e), row));
        }
        boolean gpus = o == ParetoObjectives.THROUGHPUT_GPUS;
        frontXLabel.set(gpus ? "GPUs" : "peak memory per GPU (GiB)");
        frontYLabel.set(gpus ? "tokens/s (cluster)" : "tokens/s/GPU");
        rows.setAll(all);
        front.setAll(points);
        runner.setStatus(r.front().isEmpty()
                ? String.format(Locale.ROOT, "none of the %d evaluated layouts fits in the GPUs' memory", r.evaluations())
                : String.format(Locale.ROOT, "%s: Pareto front of %s, %d of %d valid layouts evaluated in %.1f s; "
                        + "%d on the front", r.method(), o.id(), r.evaluations(), r.validLayouts(), r.elapsedSeconds(),
                        r.front().size()));
    }

    private void drain(ConcurrentLinkedQueue<ConvergencePoint> pending) {
        List<ConvergencePoint> batch = new ArrayList<>();
        for (ConvergencePoint p; (p = pending.poll()) != null; ) {
            batch.add(p);
        }
        if (!batch.isEmpty()) {
            convergence.addAll(batch);
        }
    }

    /** Stops the search (each thread stops before its next layout). */
    public void cancel() {
        runner.cancel();
    }

    /** Puts the row's layout into the editor (nodes, tp … etp, micro batch, recompute, dispatcher, overlap). */
    public void apply(SearchRow row) {
        Layout l = row.layout();
        editor.applyLayout(l.nodes(), l.tp(), l.pp(), l.vpp(), l.cp(), l.ep(), l.etp(), l.microBatch(), l.recompute(),
                l.dispatcher(), l.a2aOverlap());
        runner.setStatus("applied #" + row.rank() + " " + row.describe() + " to the editor");
    }

    /**
     * Shows the row's layout in {@link #exportFormatProperty()}'s format (Megatron-LM arguments, a DeepSpeed
     * config or the canonical scenario JSON; what {@code moe-sim export --format} prints) in
     * {@link #exportTextProperty()}.
     */
    public void export(SearchRow row) {
        Scenario s = row.layout().applyTo(searched);
        ExportFormat f = exportFormat.get();
        String text = ExportViewModel.render(s, f, searchedFile, catalog, runner::setStatus);
        exportText.set(text == null ? "" : text);
        exportTitle.set(text == null ? "" : "#" + row.rank() + " " + row.describe() + " as " + f.label()
                + " (moe-sim export --format " + f.id() + ")");
        exportedFormat = f;
    }

    /** A file name for the export shown: the scenario's name and the layout's rank, with the format's extension. */
    public String suggestedExportName() {
        String name = searched == null ? "layout" : searched.name();
        return exportedFormat.fileName(name + "-search");
    }

    /** The format of the export shown. */
    public ExportFormat exportedFormat() {
        return exportedFormat;
    }

    /**
     * Writes the export shown (to a temporary file, then moved into place); says in the status line what
     * happened.
     *
     * @return whether the file was written
     */
    public boolean saveExport(Path path) {
        if (exportText.get().isEmpty()) {
            runner.setStatus("nothing exported yet: choose a layout and Export");
            return false;
        }
        try {
            AtomicWrite.text(path, exportText.get());
        } catch (IOException | RuntimeException e) {
            runner.setStatus("could not save " + path + ": " + ExportViewModel.describe(e));
            return false;
        }
        runner.setStatus("saved " + path.toAbsolutePath());
        return true;
    }

    /** Single objective (tokens/s/GPU) or a Pareto front of two. */
    public ObjectProperty<Objectives> objectivesProperty() {
        return objectives;
    }

    public List<Objectives> objectiveChoices() {
        return List.of(Objectives.values());
    }

    /** What {@link #export(SearchRow)} renders. */
    public ObjectProperty<ExportFormat> exportFormatProperty() {
        return exportFormat;
    }

    public List<ExportFormat> exportFormats() {
        return List.of(ExportFormat.values());
    }

    /** The Pareto front of the last two-objective search (empty otherwise), in {@link #rows()}' order. */
    public ObservableList<FrontPoint> front() {
        return front;
    }

    /** The front's x axis: {@code peak memory per GPU (GiB)} or {@code GPUs}. */
    public ReadOnlyStringProperty frontXLabelProperty() {
        return frontXLabel.getReadOnlyProperty();
    }

    /** The front's y axis: {@code tokens/s/GPU} or {@code tokens/s (cluster)}. */
    public ReadOnlyStringProperty frontYLabelProperty() {
        return frontYLabel.getReadOnlyProperty();
    }

    public ObjectProperty<Method> methodProperty() {
        return method;
    }

    public List<Method> methods() {
        return List.of(Method.values());
    }

    /** Distinct layouts the genetic search may evaluate. */
    public IntegerProperty budgetProperty() {
        return budget;
    }

    /** Seed of the genetic search. */
    public IntegerProperty seedProperty() {
        return seed;
    }

    /** Dimensions replaced, {@code DIM=V1,V2} separated by spaces ({@code moe-sim search --space}); empty = defaults. */
    public StringProperty spaceTextProperty() {
        return spaceText;
    }

    /** The best layouts of the last search (at most {@link #TOP}), best first. */
    public ObservableList<SearchRow> rows() {
        return rows;
    }

    /** Best tokens/s/GPU after each evaluation of the running or last search. */
    public ObservableList<ConvergencePoint> convergence() {
        return convergence;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return runner.runningProperty();
    }

    /** 0 to 1 (-1 while the space is being built). */
    public ReadOnlyDoubleProperty progressProperty() {
        return runner.progressProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return runner.statusProperty();
    }

    /** The exported scenario JSON, or empty. */
    public ReadOnlyStringProperty exportTextProperty() {
        return exportText.getReadOnlyProperty();
    }

    /** What {@link #exportTextProperty()} shows. */
    public ReadOnlyStringProperty exportTitleProperty() {
        return exportTitle.getReadOnlyProperty();
    }
}
