package io.moesim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.io.InputException;
import io.moesim.io.Json;
import io.moesim.io.ScenarioJson;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.profiles.HardwareProfile;
import io.moesim.profiles.ProfileException;
import io.moesim.profiles.cost.ProfileCostModel;
import io.moesim.scenario.DataType;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;
import io.moesim.search.Evaluation;
import io.moesim.search.Layout;
import io.moesim.search.LayoutSearch;
import io.moesim.search.ParetoObjectives;
import io.moesim.search.ParetoResult;
import io.moesim.search.SearchProgress;
import io.moesim.search.SearchResult;
import io.moesim.search.SearchSpace;
import io.moesim.search.TrainingSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim search FILE [--budget N] [--seed S] [--exhaustive] [--json] [--top K] [--out FILE.csv]
 * [--export FORMAT] [--threads N] [--objectives LIST] [--space DIM=V,…]}: finds the fastest valid layout for the
 * scenario's model, cluster, batch and precision by simulating candidate layouts in-process (layout-search
 * module; see docs/search.md).
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Finds the fastest valid layout (tp, pp, vpp, cp, ep, etp, micro-batch,",
                "recompute, dispatcher, all-to-all overlap) for a training-step scenario's",
                "model, cluster, batch and precision by simulating candidates: a genetic",
                "algorithm within --budget evaluations, or --exhaustive. With --objectives",
                "throughput,memory or throughput,gpus it finds the Pareto front instead."})
final class SearchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "training-step scenario JSON file")
    Path file;

    @Mixin
    OverrideOptions overrideOptions = new OverrideOptions();

    @Option(names = "--budget", paramLabel = "N",
            description = "distinct layouts the genetic algorithm may evaluate (default: 10%% of the valid layouts, at least 100)")
    Integer budget;

    @Option(names = "--seed", paramLabel = "S", description = "random seed of the genetic algorithm (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--exhaustive", description = "evaluate every valid layout (ground truth; slow for large spaces)")
    boolean exhaustive;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--top", paramLabel = "K", description = "layouts to list (default: ${DEFAULT-VALUE})")
    int top = 10;

    @Option(names = "--out", paramLabel = "FILE.csv",
            description = "write every feasible evaluated layout, best first (or the Pareto front), as CSV")
    Path out;

    @Option(names = "--export", paramLabel = "FORMAT",
            description = "print the best layout as megatron arguments, a deepspeed config or a scenario (instead of the table)")
    String export;

    @Option(names = "--threads", paramLabel = "N", description = "layouts simulated at once (default: the machine's cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--objectives", paramLabel = "LIST",
            description = "throughput (default), throughput,memory or throughput,gpus (Pareto front, NSGA-II)")
    String objectives = "throughput";

    @Option(names = "--space", paramLabel = "DIM=V1,V2", description = "replace one dimension's candidates, e.g. "
            + "--space vpp=1,2,3,4 --space dispatcher=deepep (dimensions: nodes, tp, pp, vpp, cp, ep, etp, "
            + "microBatch, recompute, dispatcher, a2aOverlap)")
    List<String> space = new ArrayList<>();

    @Override
    public Integer call() throws InputException, ProfileException, IOException {
        if (budget != null && budget < 1) {
            throw new BadArgumentException("--budget must be at least 1, got " + budget);
        }
        if (top < 1) {
            throw new BadArgumentException("--top must be at least 1, got " + top);
        }
        if (threads < 1) {
            throw new BadArgumentException("--threads must be at least 1, got " + threads);
        }
        ParetoObjectives pareto;
        try {
            pareto = ParetoObjectives.parse(objectives);
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException("--objectives: " + e.getMessage());
        }
        String exportFormat = export == null ? null : ExportCommand.checkFormat("--export", export);
        ModelCatalog catalog = ModelCatalog.builtIn();
        Scenario base = new ScenarioReader(catalog).read(file, overrideOptions.overrides());
        if (base.workload() != Workload.TRAINING_STEP) {
            throw new BadArgumentException(file + ": workload: search needs a training-step scenario, got '"
                    + base.workload().id() + "'");
        }
        SearchSpace searchSpace = buildSpace(base, pareto != null && pareto.varyNodes());
        if (searchSpace.validLayouts().isEmpty()) {
            throw new BadArgumentException(file + ": no layout of the search space passes the layout rules:\n" + searchSpace);
        }
        int validCount = searchSpace.validLayouts().size();
        int effectiveBudget = budget != null ? budget : Math.min(validCount, Math.max(100, validCount / 10));
        HardwareProfile profile = Workloads.profile(base.cluster(), file);
        double peak = profile.gpu().peakTflops().getOrDefault(
                base.precision() == Precision.FP8 ? DataType.FP8 : DataType.BF16, 0.0);
        TrainingSimulator simulator = TrainingSimulator.of(ProfileCostModel.of(profile), peak, profile.gpu().hbmBytes());
        int planned = exhaustive ? validCount : Math.min(effectiveBudget, validCount);
        try (ProgressReporter progress = ProgressReporter.start(planned)) {
            LayoutSearch search = LayoutSearch.builder(searchSpace, simulator).threads(threads).seed(seed)
                    .budget(effectiveBudget).progress(progress).build();
            if (pareto != null) {
                ParetoResult r = exhaustive ? search.paretoExhaustive(pareto) : search.pareto(pareto);
                progress.close();
                return report(base, catalog, r, exportFormat, effectiveBudget);
            }
            SearchResult r = exhaustive ? search.exhaustive() : search.genetic();
            progress.close();
            return report(base, catalog, r, exportFormat, effectiveBudget);
        }
    }

    // ---- the space -------------------------------------------------------------------------------

    private SearchSpace buildSpace(Scenario base, boolean varyNodes) {
        SearchSpace.Builder b = SearchSpace.builder(base);
        for (String entry : space) {
            try {
                b.dimension(entry);
            } catch (IllegalArgumentException e) {
                throw new BadArgumentException("--space" + (e.getMessage().startsWith(":") ? "" : " ") + e.getMessage());
            }
        }
        b.varyNodes(varyNodes);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException("--space: " + e.getMessage());
        }
    }


    // ---- single objective ------------------------------------------------------------------------

    private int report(Scenario base, ModelCatalog catalog, SearchResult r, String exportFormat, int effectiveBudget)
            throws IOException {
        if (out != null) {
            List<Evaluation> rows = new ArrayList<>(r.ranked());
            writeCsv(rows);
        }
        Evaluation best = r.best().orElseThrow(() -> new BadArgumentException(file + ": none of the " + r.evaluations()
                + " evaluated layouts fits in the GPUs' memory" + (exhaustive ? "" : "; raise --budget or use --exhaustive")
                + ", or give the scenario more GPUs"));
        Scenario bestScenario = best.layout().applyTo(base);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            ObjectNode n = Json.mapper().createObjectNode();
            n.put("scenario", base.name()).put("method", r.method());
            if (!exhaustive) {
                n.put("seed", seed).put("budget", effectiveBudget).put("generations", r.generations())
                        .put("individuals", r.individuals()).put("invalidIndividuals", r.invalidIndividuals())
                        .put("inferredMisfits", r.inferredMisfits());
            }
            n.put("validLayouts", r.validLayouts()).put("evaluations", r.evaluations()).put("simulations", r.simulations())
                    .put("cacheHits", r.cacheHits()).put("threads", threads).put("elapsedSeconds", round(r.elapsedSeconds()));
            n.put("bestTokensPerSecondPerGpu", round(best.tokensPerSecondPerGpu()));
            n.set("best", ScenarioJson.toJson(bestScenario, catalog, file));
            n.set("bestResult", metrics(best));
            ArrayNode topArray = n.putArray("top");
            List<Evaluation> k = r.top(top);
            for (int i = 0; i < k.size(); i++) {
                ObjectNode e = metrics(k.get(i));
                e.put("rank", i + 1);
                e.set("layout", layoutJson(k.get(i).layout()));
                topArray.add(e);
            }
            if (exportFormat != null) {
                n.set("export", ExportCommand.renderJson(bestScenario, exportFormat, catalog, file));
            }
            o.print(Json.pretty(n));
            return ExitCodes.OK;
        }
        String summary = String.format(Locale.ROOT, "%s: %s, %d of %d valid layouts evaluated (%d simulated, %d did not fit "
                        + "in memory)%s, %d thread%s, %.1f s",
                base.name(), exhaustive ? "exhaustive" : "genetic algorithm (seed " + seed + ", budget " + effectiveBudget + ")",
                r.evaluations(), r.validLayouts(), r.simulations(), r.evaluations() - r.ranked().size(),
                exhaustive ? "" : ", " + r.generations() + " generations", threads, threads == 1 ? "" : "s",
                r.elapsedSeconds());
        if (exportFormat != null) {
            // stdout carries only the configuration, so it can be redirected to a file.
            spec.commandLine().getErr().println(summary);
            spec.commandLine().getErr().println(String.format(Locale.ROOT, "best: %s, %.0f tokens/s/GPU", best.layout(),
                    best.tokensPerSecondPerGpu()));
            o.print(ExportCommand.render(bestScenario, exportFormat, catalog, file));
            return ExitCodes.OK;
        }
        o.println(summary);
        Table t = new Table(">#", ">tokens/s/GPU", ">step s", ">TFLOPS/GPU", ">MFU", ">memory GiB", "layout");
        List<Evaluation> k = r.top(top);
        for (int i = 0; i < k.size(); i++) {
            Evaluation e = k.get(i);
            t.row(i + 1, fmt("%.0f", e.tokensPerSecondPerGpu()), fmt("%.2f", e.stepTimeSeconds()),
                    fmt("%.1f", e.modelTflopsPerGpu()), Units.percent(e.mfu()), fmt("%.1f", e.peakMemoryGiB()), e.layout());
        }
        t.print(o);
        Layout own = Layout.of(base);
        r.ranked().stream().filter(e -> e.layout().equals(own)).findFirst().ifPresentOrElse(
                e -> o.println(String.format(Locale.ROOT, "the scenario's own layout (%s): %.0f tokens/s/GPU, rank %d; "
                        + "best is %+.1f%%", own, e.tokensPerSecondPerGpu(), r.ranked().indexOf(e) + 1,
                        100 * (best.tokensPerSecondPerGpu() / e.tokensPerSecondPerGpu() - 1))),
                () -> o.println("the scenario's own layout (" + own + ") was not evaluated or does not fit"));
        if (out != null) {
            o.println("all " + r.ranked().size() + " feasible evaluated layouts written to " + out);
        }
        return ExitCodes.OK;
    }

    // ---- two objectives ----------------------------------------------------------------------------

    private int report(Scenario base, ModelCatalog catalog, ParetoResult r, String exportFormat, int effectiveBudget)
            throws IOException {
        if (out != null) {
            writeCsv(r.front());
        }
        if (r.front().isEmpty()) {
            throw new BadArgumentException(file + ": none of the " + r.evaluations()
                    + " evaluated layouts fits in the GPUs' memory");
        }
        ParetoObjectives objs = r.objectives();
        Evaluation best = r.front().get(0);
        Scenario bestScenario = best.layout().applyTo(base);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            ObjectNode n = Json.mapper().createObjectNode();
            n.put("scenario", base.name()).put("method", r.method()).put("objectives", objs.id());
            if (!exhaustive) {
                n.put("seed", seed).put("budget", effectiveBudget).put("generations", r.generations());
            }
            n.put("validLayouts", r.validLayouts()).put("evaluations", r.evaluations()).put("cacheHits", r.cacheHits())
                    .put("threads", threads).put("elapsedSeconds", round(r.elapsedSeconds()));
            n.put("bestTokensPerSecondPerGpu", round(best.tokensPerSecondPerGpu()));
            n.set("best", ScenarioJson.toJson(bestScenario, catalog, file));
            ArrayNode front = n.putArray("front");
            for (Evaluation e : r.front()) {
                ObjectNode m = metrics(e);
                m.set("layout", layoutJson(e.layout()));
                front.add(m);
            }
            if (exportFormat != null) {
                n.set("export", ExportCommand.renderJson(bestScenario, exportFormat, catalog, file));
            }
            o.print(Json.pretty(n));
            return ExitCodes.OK;
        }
        String summary = String.format(Locale.ROOT, "%s: Pareto front of %s, %s, %d of %d valid layouts evaluated, "
                        + "%d on the front, %.1f s", base.name(), objs.id(),
                exhaustive ? "exhaustive" : "NSGA-II (seed " + seed + ", budget " + effectiveBudget + ", "
                        + r.generations() + " generations)", r.evaluations(), r.validLayouts(), r.front().size(),
                r.elapsedSeconds());
        if (exportFormat != null) {
            spec.commandLine().getErr().println(summary);
            spec.commandLine().getErr().println("exporting the front's first layout: " + best.layout().describeWithNodes());
            o.print(ExportCommand.render(bestScenario, exportFormat, catalog, file));
            return ExitCodes.OK;
        }
        o.println(summary);
        Table t = objs == ParetoObjectives.THROUGHPUT_GPUS
                ? new Table(">tokens/s", ">GPUs", ">tokens/s/GPU", ">step s", ">memory GiB", "layout")
                : new Table(">tokens/s/GPU", ">memory GiB", ">step s", ">TFLOPS/GPU", "layout");
        for (Evaluation e : r.front()) {
            if (objs == ParetoObjectives.THROUGHPUT_GPUS) {
                t.row(fmt("%.0f", e.totalTokensPerSecond()), e.gpus(), fmt("%.0f", e.tokensPerSecondPerGpu()),
                        fmt("%.2f", e.stepTimeSeconds()), fmt("%.1f", e.peakMemoryGiB()), e.layout().describeWithNodes());
            } else {
                t.row(fmt("%.0f", e.tokensPerSecondPerGpu()), fmt("%.1f", e.peakMemoryGiB()),
                        fmt("%.2f", e.stepTimeSeconds()), fmt("%.1f", e.modelTflopsPerGpu()), e.layout());
            }
        }
        t.print(o);
        if (out != null) {
            o.println("front written to " + out);
        }
        return ExitCodes.OK;
    }

    // ---- output helpers ----------------------------------------------------------------------------

    private static ObjectNode metrics(Evaluation e) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("tokensPerSecondPerGpu", round(e.tokensPerSecondPerGpu())).put("stepTimeSeconds", round(e.stepTimeSeconds()))
                .put("modelTflopsPerGpu", round(e.modelTflopsPerGpu())).put("mfu", round(e.mfu()))
                .put("peakMemoryGiB", round(e.peakMemoryGiB())).put("fitsInMemory", e.fitsInMemory())
                .put("gpus", e.gpus()).put("totalTokensPerSecond", round(e.totalTokensPerSecond()));
        return m;
    }

    private static ObjectNode layoutJson(Layout l) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("nodes", l.nodes()).put("tp", l.tp()).put("pp", l.pp()).put("vpp", l.vpp()).put("cp", l.cp())
                .put("ep", l.ep()).put("etp", l.etp()).put("microBatch", l.microBatch())
                .put("recompute", l.recompute().id()).put("dispatcher", l.dispatcher().id())
                .put("a2aOverlap", l.a2aOverlap());
        return n;
    }

    /** Every row, best first, written to a temporary file beside {@code --out} and moved into place. */
    private void writeCsv(List<Evaluation> rows) throws IOException {
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp);
                 CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
                p.printRecord("rank", "nodes", "gpus", "tp", "pp", "vpp", "cp", "ep", "etp", "micro_batch", "recompute",
                        "dispatcher", "a2a_overlap", "tokens_per_second_per_gpu", "total_tokens_per_second",
                        "step_time_seconds", "model_tflops_per_gpu", "mfu", "peak_memory_gib");
                for (int i = 0; i < rows.size(); i++) {
                    Evaluation e = rows.get(i);
                    Layout l = e.layout();
                    p.printRecord(i + 1, l.nodes(), e.gpus(), l.tp(), l.pp(), l.vpp(), l.cp(), l.ep(), l.etp(),
                            l.microBatch(), l.recompute().id(), l.dispatcher().id(), l.a2aOverlap(),
                            fmt("%.3f", e.tokensPerSecondPerGpu()), fmt("%.3f", e.totalTokensPerSecond()),
                            fmt("%.6f", e.stepTimeSeconds()), fmt("%.3f", e.modelTflopsPerGpu()), fmt("%.5f", e.mfu()),
                            fmt("%.3f", e.peakMemoryGiB()));
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String fmt(String pattern, double v) {
        return String.format(Locale.ROOT, pattern, v);
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /**
     * A progress bar on stderr while the search runs, only when a terminal is attached (scripts and tests get
     * no bar).
     */
    private static final class ProgressReporter implements SearchProgress, AutoCloseable {
        private final ProgressBar bar;
        private boolean closed;

        private ProgressReporter(ProgressBar bar) {
            this.bar = bar;
        }

        static ProgressReporter start(long planned) {
            if (System.console() == null) {
                return new ProgressReporter(null);
            }
            return new ProgressReporter(new ProgressBarBuilder().setTaskName("search").setInitialMax(planned)
                    .setUnit(" layouts", 1).setUpdateIntervalMillis(250).build());
        }

        @Override
        public void update(long evaluated, long planned) {
            if (bar != null) {
                synchronized (bar) {
                    if (evaluated > bar.getCurrent()) {
                        bar.stepTo(evaluated);
                    }
                }
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                synchronized (bar) {
                    if (!closed) {
                        closed = true;
                        bar.close();
                    }
                }
            }
        }
    }
}
