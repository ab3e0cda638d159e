package io.moesim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.io.InputException;
import io.moesim.io.Json;
import io.moesim.io.PublishedRuns;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.profiles.ProfileException;
import io.moesim.scenario.Scenario;
import io.moesim.workload.DispatchResult;
import io.moesim.workload.MoeLayerResult;
import io.moesim.workload.TrainingStepResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim validate [--cases FILE] [--json] [--max-median-error X]}: simulates every published case
 * and compares with what was reported.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Simulates every published case (validation/published-runs.csv, scenario files in scenarios/",
                "beside it) and prints reported vs predicted with the relative error, and the median and worst error."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cases", paramLabel = "FILE", defaultValue = "validation/published-runs.csv",
            description = "cases CSV (default: ${DEFAULT-VALUE})")
    Path cases;

    @Mixin
    OverrideOptions overrideOptions = new OverrideOptions();

    private List<io.moesim.io.ScenarioOverride> overrides = List.of();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "cases simulated at once (default: the machine's cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--max-median-error", paramLabel = "X",
            description = "exit 1 when the median relative error exceeds X (e.g. 0.12)")
    Double maxMedianError;

    /** One compared figure. */
    record Row(String caseId, String metric, double reported, String unit, Double predicted, String note) {
        Double error() {
            return predicted == null ? null : (predicted - reported) / reported;
        }
    }

    @Override
    public Integer call() throws IOException, InputException, ProfileException {
        overrides = overrideOptions.overrides();
        List<CSVRecord> records = readCases();
        Map<String, Map<String, Double>> results = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        // Read every scenario first (bad input fails before any simulation), then simulate the distinct
        // cases on a pool; each simulation is deterministic and independent, so the thread count never
        // changes the answer.
        Map<String, Scenario> scenariosById = new java.util.LinkedHashMap<>();
        for (CSVRecord r : records) {
            String id = r.get("case");
            if (!scenariosById.containsKey(id)) {
                scenariosById.put(id, new ScenarioReader(ModelCatalog.builtIn()).read(PublishedRuns.scenarioOf(cases, id),
                        overrides));
            }
        }
        if (threads < 1) {
            throw new BadArgumentException("--threads must be at least 1, got " + threads);
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            Map<String, java.util.concurrent.Future<Map<String, Double>>> futures = new java.util.LinkedHashMap<>();
            for (var e : scenariosById.entrySet()) {
                Path file = PublishedRuns.scenarioOf(cases, e.getKey());
                futures.put(e.getKey(), pool.submit(() -> simulate(e.getValue(), file)));
            }
            for (var e : futures.entrySet()) {
                try {
                    results.put(e.getKey(), e.getValue().get());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", ex);
                } catch (java.util.concurrent.ExecutionException ex) {
                    if (ex.getCause() instanceof ProfileException pe) {
                        throw pe;
                    }
                    throw new IllegalStateException(e.getKey() + ": " + ex.getCause(), ex.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (CSVRecord r : records) {
            String id = r.get("case");
            String metric = r.get("metric");
            double reported;
            try {
                reported = Double.parseDouble(r.get("reported"));
            } catch (NumberFormatException e) {
                throw new BadArgumentException(cases + ":" + (r.getRecordNumber() + 1) + ": reported: expected a number, got \""
                        + r.get("reported") + "\"");
            }
            Map<String, Double> m = results.get(id);
            Double predicted = m == null ? null : m.get(metric);
            String note = predicted == null ? "metric not produced" : "";
            rows.add(new Row(id, metric, reported, r.get("unit"), predicted, note));
        }
        List<Double> errors = new ArrayList<>();
        for (Row row : rows) {
            if (row.error() != null) {
                errors.add(Math.abs(row.error()));
            }
        }
        errors.sort(Double::compare);
        double median = errors.isEmpty() ? Double.NaN : errors.size() % 2 == 1 ? errors.get(errors.size() / 2)
                : (errors.get(errors.size() / 2 - 1) + errors.get(errors.size() / 2)) / 2;
        double worst = errors.isEmpty() ? Double.NaN : errors.get(errors.size() - 1);
        print(rows, errors.size(), median, worst, layoutOrders(rows, scenariosById));
        if (maxMedianError != null && !(median <= maxMedianError)) {
            spec.commandLine().getErr().println(String.format(Locale.ROOT,
                    "moe-sim: median relative error %.1f%% exceeds --max-median-error %.1f%%", median * 100,
                    maxMedianError * 100));
            return ExitCodes.INTERNAL_ERROR;
        }
        return ExitCodes.OK;
    }

    private List<CSVRecord> readCases() throws InputException {
        if (!Files.exists(cases)) {
            throw new BadArgumentException(cases + ": not found (run from the project root or pass --cases FILE)");
        }
        return PublishedRuns.read(cases);
    }

    /**
     * How well moe-sim orders the layouts of one model on one cluster: Spearman's rank correlation between
     * reported and predicted step times (ties ranked by their average), for every model and cluster with at
     * least three compared step times.
     *
     * @param model   model id
     * @param cluster GPU count and profile, e.g. {@code 256 h100-sxm}
     */
    record LayoutOrder(String model, String cluster, int layouts, double spearman) {
    }

    static List<LayoutOrder> layoutOrders(List<Row> rows, Map<String, Scenario> scenarios) {
        record Group(String model, String cluster) {
        }
        Map<Group, List<Row>> groups = new java.util.TreeMap<>(
                java.util.Comparator.comparing(Group::model).thenComparing(Group::cluster));
        for (Row r : rows) {
            Scenario s = scenarios.get(r.caseId());
            if (r.metric().equals("stepTimeSeconds") && r.predicted() != null && s != null) {
                Group key = new Group(s.model().id(), s.cluster().gpuCount() + " " + s.cluster().gpu());
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            }
        }
        List<LayoutOrder> out = new ArrayList<>();
        groups.forEach((group, g) -> {
            if (g.size() >= 3) {
                double[] reported = g.stream().mapToDouble(Row::reported).toArray();
                double[] predicted = g.stream().mapToDouble(Row::predicted).toArray();
                double rho = new org.apache.commons.math3.stat.correlation.SpearmansCorrelation()
                        .correlation(reported, predicted);
                out.add(new LayoutOrder(group.model(), group.cluster(), g.size(), rho));
            }
        });
        return out;
    }

    /** The metrics a scenario's simulation produces. */
    static Map<String, Double> simulate(Scenario s, Path file) throws ProfileException {
        Map<String, Double> m = new HashMap<>();
        switch (s.workload()) {
            case DISPATCH -> {
                DispatchResult r = Workloads.dispatch(s, file);
                m.put("dispatchTimeUs", r.dispatchTimeUs());
                m.put("combineTimeUs", r.combineTimeUs());
                m.put("dispatchGBps", r.dispatchGBps());
                m.put("combineGBps", r.combineGBps());
            }
            case MOE_LAYER -> {
                MoeLayerResult r = Workloads.moeLayer(s, file);
                m.put("layerTimeMs", r.layerTimeMs());
                m.put("exposedCommMs", r.exposedCommMs());
                m.put("computeMs", r.computeMs());
            }
            default -> {
                TrainingStepResult r = Workloads.trainingStep(s, file);
                m.put("stepTimeSeconds", r.stepTimeSeconds());
                m.put("modelTflopsPerGpu", r.modelTflopsPerGpu());
                m.put("tokensPerSecondPerGpu", r.tokensPerSecondPerGpu());
                m.put("mfu", r.mfu());
                m.put("peakMemoryGiB", r.memory().peakGiB());
            }
        }
        return m;
    }

    private void print(List<Row> rows, int compared, double median, double worst, List<LayoutOrder> orders) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.mapper().createObjectNode();
            ArrayNode arr = o.putArray("cases");
            for (Row r : rows) {
                ObjectNode n = arr.addObject();
                n.put("case", r.caseId()).put("metric", r.metric()).put("unit", r.unit()).put("reported", r.reported());
                if (r.predicted() != null) {
                    n.put("predicted", round(r.predicted())).put("relativeError", round(r.error()));
                } else {
                    n.put("note", r.note());
                }
            }
            ObjectNode sum = o.putObject("summary");
            sum.put("rows", rows.size()).put("compared", compared);
            if (compared > 0) {
                sum.put("medianAbsRelativeError", round(median)).put("maxAbsRelativeError", round(worst));
            }
            if (!overrides.isEmpty()) {
                ArrayNode set = sum.putArray("overrides");
                overrides.forEach(ov -> set.add(ov.spec()));
            }
            ArrayNode order = sum.putArray("layoutOrder");
            for (LayoutOrder l : orders) {
                order.addObject().put("model", l.model()).put("cluster", l.cluster()).put("layouts", l.layouts())
                        .put("spearman", round(l.spearman()));
            }
            out.print(Json.pretty(o));
            return;
        }
        Table t = new Table("case", "metric", ">reported", ">predicted", ">error", "note");
        for (Row r : rows) {
            t.row(r.caseId(), r.metric(), num(r.reported()) + " " + r.unit(),
                    r.predicted() == null ? "-" : num(r.predicted()),
                    r.error() == null ? "-" : String.format(Locale.ROOT, "%+.1f%%", r.error() * 100), r.note());
        }
        t.print(out);
        out.println();
        out.println(String.format(Locale.ROOT, "%d of %d figures compared; median |error| %.1f%%, worst %.1f%%",
                compared, rows.size(), median * 100, worst * 100));
        if (!overrides.isEmpty()) {
            out.println("every scenario read with --set " + String.join(", --set ",
                    overrides.stream().map(io.moesim.io.ScenarioOverride::spec).toList())
                    + " (a what-if: the errors above are not the calibrated model's)");
        }
        for (LayoutOrder l : orders) {
            out.println(String.format(Locale.ROOT, "layout order of %s on %s: Spearman rho %.2f over %d step times",
                    l.model(), l.cluster(), l.spearman(), l.layouts()));
        }
    }

    private static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static double round(double v) {
        return Math.round(v * 10000.0) / 10000.0;
    }
}
