package io.moesim.gui.viewmodel;

import io.moesim.profiles.HardwareProfile;
import io.moesim.profiles.ProfileException;
import io.moesim.profiles.cost.ProfileCostModel;
import io.moesim.scenario.DataType;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import io.moesim.search.Evaluation;
import io.moesim.search.LayoutSearch;
import io.moesim.search.SearchProgress;
import io.moesim.search.SearchResult;
import io.moesim.search.SearchSpace;
import io.moesim.search.TrainingSimulator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The layout search as the workbench runs it, without a toolkit: the search space of a scenario (the
 * defaults of {@code moe-sim search}, with dimensions replaced as {@code --space} does), and a search
 * through {@code layout-search}'s public API ({@link LayoutSearch}, {@link TrainingSimulator}) that reports
 * every evaluation as a {@link ConvergencePoint} and stops when asked.
 *
 * <pre>{@code
 * SearchSpace space = SearchRun.space(scenario, "tp=1,2 ep=2,4,8");
 * SearchResult r = SearchRun.run(scenario, file, space, false, 100, 1, 4, () -> false, p -> {}, SearchProgress.NONE);
 * }</pre>
 *
 * @implNote stateless; {@link #run} may be called from any thread, and calls its callbacks from the search's
 * evaluating threads, one at a time.
 */
public final class SearchRun {
    private SearchRun() {
    }

    /**
     * The search space of {@code base}: {@code moe-sim search}'s default candidates, each dimension named in
     * {@code spaceText} ({@code DIM=V1,V2} entries separated by spaces or semicolons) replaced.
     *
     * @throws IllegalArgumentException naming the entry that cannot be read, or when no layout is valid
     */
    public static SearchSpace space(Scenario base, String spaceText) {
        SearchSpace.Builder b = SearchSpace.builder(base);
        String text = spaceText == null ? "" : spaceText.strip();
        if (!text.isEmpty()) {
            for (String entry : text.split("[;\\s]+")) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new IllegalArgumentException("space: expected DIM=V1,V2,… got '" + entry + "'");
                }
                String dim = entry.substring(0, eq).strip();
                String[] values = entry.substring(eq + 1).split(",", -1);
                try {
                    switch (dim.toLowerCase(Locale.ROOT)) {
                        case "nodes" -> b.nodes(ints(dim, values));
                        case "tp" -> b.tp(ints(dim, values));
                        case "pp" -> b.pp(ints(dim, values));
                        case "vpp" -> b.vpp(ints(dim, values));
                        case "cp" -> b.cp(ints(dim, values));
                        case "ep" -> b.ep(ints(dim, values));
                        case "etp" -> b.etp(ints(dim, values));
                        case "microbatch", "mb" -> b.microBatch(ints(dim, values));
                        case "recompute" -> b.recompute(Arrays.stream(values).map(v -> Recompute.fromId(v.strip()))
                                .toArray(Recompute[]::new));
                        case "dispatcher" -> b.dispatchers(Arrays.stream(values).map(v -> Dispatcher.fromId(v.strip()))
                                .toArray(Dispatcher[]::new));
                        case "a2aoverlap" -> b.a2aOverlap(Arrays.stream(values).map(v -> bool(dim, v))
                                .toArray(Boolean[]::new));
                        default -> throw new IllegalArgumentException("unknown dimension '" + dim + "' (expected nodes, "
                                + "tp, pp, vpp, cp, ep, etp, microBatch, recompute, dispatcher, a2aOverlap)");
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("space " + dim + ": " + e.getMessage(), e);
                }
            }
        }
        SearchSpace s = b.build();
        if (s.validLayouts().isEmpty()) {
            throw new IllegalArgumentException("no layout of the search space passes the layout rules");
        }
        return s;
    }

    private static Integer[] ints(String dim, String[] values) {
        Integer[] out = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            try {
                out[i] = Integer.parseInt(values[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected whole numbers, got '" + values[i] + "'");
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException("values must be at least 1, got " + out[i]);
            }
        }
        return out;
    }

    private static Boolean bool(String dim, String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "on" -> true;
            case "false", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + v + "'");
        };
    }

    /**
     * Searches {@code space}: every valid layout ({@code exhaustive}) or the genetic algorithm within
     * {@code budget} distinct layouts, with the seed given, on {@code threads} threads.
     *
     * @param file         where the scenario lives (relative profile paths), may be null
     * @param cancelled    polled before each evaluation; when true the search stops with a
     *                     {@link CancellationException}
     * @param onEvaluation receives the convergence after each distinct layout evaluated
     * @throws ProfileException       when the GPU profile cannot be read
     * @throws CancellationException  when {@code cancelled} said so
     */
    public static SearchResult run(Scenario base, Path file, SearchSpace space, boolean exhaustive, int budget,
                                   long seed, int threads, BooleanSupplier cancelled,
                                   Consumer<ConvergencePoint> onEvaluation, SearchProgress progress)
            throws ProfileException {
        HardwareProfile profile = ScenarioRunner.profile(base.cluster(), file == null ? Path.of("scenario.json") : file);
        double peak = profile.gpu().peakTflops().getOrDefault(
                base.precision() == Precision.FP8 ? DataType.FP8 : DataType.BF16, 0.0);
        TrainingSimulator simulator = TrainingSimulator.of(ProfileCostModel.of(profile), peak, profile.gpu().hbmBytes());
        Object lock = new Object();
        int[] count = {0};
        double[] best = {Double.NaN};
        TrainingSimulator observed = (layout, scenario) -> {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("search cancelled");
            }
            Evaluation e = simulator.evaluate(layout, scenario);
            synchronized (lock) {
                count[0]++;
                if (e.feasible() && !(e.tokensPerSecondPerGpu() <= best[0])) {
                    best[0] = e.tokensPerSecondPerGpu();
                }
                onEvaluation.accept(new ConvergencePoint(count[0], best[0]));
            }
            return e;
        };
        LayoutSearch search = LayoutSearch.builder(space, observed).threads(threads).seed(seed).budget(budget)
                .progress(progress).build();
        try {
            return exhaustive ? search.exhaustive() : search.genetic();
        } catch (RuntimeException e) {
            if (cancelled.getAsBoolean()) {
                CancellationException c = new CancellationException("search cancelled");
                c.initCause(e);
                throw c;
            }
            throw e;
        }
    }
}
