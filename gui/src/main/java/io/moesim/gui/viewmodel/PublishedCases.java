package io.moesim.gui.viewmodel;

import io.moesim.engine.SimulationListener;
import io.moesim.io.InputException;
import io.moesim.io.Problem;
import io.moesim.io.PublishedRuns;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.profiles.ProfileException;
import io.moesim.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.BiConsumer;
import org.apache.commons.csv.CSVRecord;

/**
 * The published cases compared with their simulation, as {@code moe-sim validate} does it: the cases
 * CSV ({@code case,metric,reported,unit,…}; {@code validation/published-runs.csv}) names a scenario per
 * case in {@code scenarios/} beside it; every distinct case is simulated once (on a pool; each run is
 * deterministic) and each row compares one reported figure with the predicted one.
 *
 * <p>The metric names are the CLI's: {@code stepTimeSeconds}, {@code modelTflopsPerGpu},
 * {@code tokensPerSecondPerGpu}, {@code mfu}, {@code peakMemoryGiB} (training steps);
 * {@code layerTimeMs}, {@code exposedCommMs}, {@code computeMs} (MoE layers); {@code dispatchTimeUs},
 * {@code combineTimeUs}, {@code dispatchGBps}, {@code combineGBps} (dispatches).
 *
 * @implNote stateless and thread-safe.
 */
public final class PublishedCases {
    /** Where the cases live in the repository. */
    public static final Path DEFAULT_CASES = Path.of("validation", "published-runs.csv");

    private PublishedCases() {
    }

    /**
     * One compared figure.
     *
     * @param caseId    case (scenario file name without {@code .json})
     * @param metric    metric name
     * @param reported  the published figure
     * @param unit      its unit
     * @param predicted the simulated figure, or null when the simulation does not produce that metric
     */
    public record Row(String caseId, String metric, double reported, String unit, Double predicted) {
        /** {@code (predicted − reported) / reported}, or null. */
        public Double error() {
            return predicted == null ? null : (predicted - reported) / reported;
        }
    }

    /**
     * All rows and the summary over the compared ones.
     *
     * @param rows           one per CSV row, in file order
     * @param compared       rows with a prediction
     * @param medianAbsError median |error| (NaN when none compared)
     * @param worstAbsError  largest |error| (NaN when none compared)
     */
    public record Report(List<Row> rows, int compared, double medianAbsError, double worstAbsError) {
    }

    /** The cases file found from {@code start} or one of its parents ({@code validation/published-runs.csv}). */
    public static Optional<Path> locate(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(DEFAULT_CASES);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads the cases and their scenarios, simulates each case once and compares.
     *
     * @param cancelled   polled by the simulations; true stops the run
     * @param onCaseDone  hears (from pool threads) how many cases have finished, and how many there are
     * @throws InputException      when the CSV or a scenario is malformed (every problem named)
     * @throws IOException         when a file cannot be read
     * @throws CancellationException when cancelled
     */
    public static Report run(Path casesCsv, ExecutorService pool, BooleanSupplier cancelled,
                             BiConsumer<Integer, Integer> onCaseDone)
            throws IOException, InputException, ProfileException, InterruptedException {
        List<CSVRecord> records = PublishedRuns.read(casesCsv);
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        ScenarioReader reader = new ScenarioReader(ModelCatalog.builtIn());
        for (CSVRecord r : records) {
            String id = r.get("case");
            if (!scenarios.containsKey(id)) {
                scenarios.put(id, reader.read(PublishedRuns.scenarioOf(casesCsv, id)));
            }
        }
        AtomicInteger done = new AtomicInteger();
        Map<String, Future<Map<String, Double>>> futures = new LinkedHashMap<>();
        for (var e : scenarios.entrySet()) {
            Path file = PublishedRuns.scenarioOf(casesCsv, e.getKey());
            futures.put(e.getKey(), pool.submit(() -> {
                Map<String, Double> m = metrics(ScenarioRunner.run(e.getValue(), file, new SimulationListener() {
                    @Override
                    public boolean cancelled() {
                        return cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
                    }
                }, false));
                onCaseDone.accept(done.incrementAndGet(), scenarios.size());
                return m;
            }));
        }
        Map<String, Map<String, Double>> results = new HashMap<>();
        try {
            for (var e : futures.entrySet()) {
                try {
                    results.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof io.moesim.engine.SimulationCancelledException) {
                        throw new CancellationException("validation cancelled");
                    }
                    if (ex.getCause() instanceof ProfileException pe) {
                        throw pe;
                    }
                    throw new IllegalStateException(e.getKey() + ": " + ex.getCause(), ex.getCause());
                }
            }
        } finally {
            futures.values().forEach(f -> f.cancel(true));
        }
        List<Row> rows = new ArrayList<>();
        for (CSVRecord r : records) {
            double reported;
            try {
                reported = Double.parseDouble(r.get("reported"));
            } catch (NumberFormatException e) {
                throw new InputException(new Problem(casesCsv.toString(), "line " + (r.getRecordNumber() + 1) + ": reported",
                        "expected a number, got \"" + r.get("reported") + "\""));
            }
            Map<String, Double> m = results.get(r.get("case"));
            rows.add(new Row(r.get("case"), r.get("metric"), reported, r.get("unit"), m == null ? null : m.get(r.get("metric"))));
        }
        List<Double> errors = new ArrayList<>();
        for (Row row : rows) {
            if (row.error() != null) {
                errors.add(Math.abs(row.error()));
            }
        }
        errors.sort(Double::compare);
        int n = errors.size();
        double median = n == 0 ? Double.NaN : n % 2 == 1 ? errors.get(n / 2) : (errors.get(n / 2 - 1) + errors.get(n / 2)) / 2;
        return new Report(List.copyOf(rows), n, median, n == 0 ? Double.NaN : errors.get(n - 1));
    }

    /** The metrics a simulation produces, by the CLI's names. */
    static Map<String, Double> metrics(SimulationOutcome o) {
        Map<String, Double> m = new HashMap<>();
        if (o.training() != null) {
            m.put("stepTimeSeconds", o.training().stepTimeSeconds());
            m.put("modelTflopsPerGpu", o.training().modelTflopsPerGpu());
            m.put("tokensPerSecondPerGpu", o.training().tokensPerSecondPerGpu());
            m.put("mfu", o.training().mfu());
            m.put("peakMemoryGiB", o.training().memory().peakGiB());
        } else if (o.layer() != null) {
            m.put("layerTimeMs", o.layer().layerTimeMs());
            m.put("exposedCommMs", o.layer().exposedCommMs());
            m.put("computeMs", o.layer().computeMs());
        } else {
            m.put("dispatchTimeUs", o.dispatch().dispatchTimeUs());
            m.put("combineTimeUs", o.dispatch().combineTimeUs());
            m.put("dispatchGBps", o.dispatch().dispatchGBps());
            m.put("combineGBps", o.dispatch().combineGBps());
        }
        return m;
    }
}
